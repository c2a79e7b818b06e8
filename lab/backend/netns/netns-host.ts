/**
 * Where the netns backend's commands run: this machine (local-host.ts) or a guest kernel under QEMU
 * (the vm backend). The lab logic (netns-lab.ts) is the same for both.
 */
import type { ProbeSession } from "../../probe/probe-session";
import type { ExitInfo } from "../../steps/actor-runtime";
import type { Wiring } from "./netns-wiring";

export interface ProbeProcess {
  session: ProbeSession;
  /** Resolves when the probe's process has ended. */
  exited: Promise<ExitInfo>;
  kill(): void;
}

export interface ProbeSpawn {
  /** The network namespace (a name under /run/netns) the probe runs in. */
  netns: string;
  uid: number;
  /** Capabilities kept in the bounding set, lower case (setuid, net_admin…). */
  caps: readonly string[];
  /** For messages: the actor and its run. */
  label: string;
  /** A worker under an init of its own (`probe init`), which `recycle` replaces: for actors without capabilities. */
  recyclable?: boolean;
}

export interface NetnsHost {
  /** The kernel the commands run on (uname -r). */
  readonly release: string;
  /** Other processes than the lab's run there (this machine), and may enter the lab's namespaces. */
  readonly shared: boolean;
  /** Runs one shell command line (sh/bash syntax); a non-zero status throws, with its output. */
  script(line: string): Promise<string>;
  spawnProbe(spawn: ProbeSpawn): Promise<ProbeProcess>;
  /**
   * Optional ways that start no program (a guest agent's own requests, images/guest/PROTOCOL.md);
   * without them the pool does the same with script() (this machine).
   * `addNamespaces` throws if one could not be made; `deleteNamespaces` deletes those that exist.
   */
  addNamespaces?(names: readonly string[]): Promise<void>;
  deleteNamespaces?(names: readonly string[]): Promise<void>;
  /** What NamespaceSet.setupScript(false) does, from its wiring(); throws if a step failed. */
  wire?(wiring: Wiring): Promise<void>;
  /** `ip tcp_metrics flush all` and `ip neigh flush all` in each namespace; throws if one failed. */
  flushNamespaces?(names: readonly string[]): Promise<void>;
  /** The lines of /proc/PID/net/sockstat and sockstat6, for each pid in order. */
  sockstat?(pids: readonly number[]): Promise<string[]>;
}

/**
 * `ip` commands for one namespace (or the root one) as a single `ip -batch` process: under software
 * emulation every program a guest starts costs ~40 ms, and a lab needs a few dozen ip commands.
 * `netns` is a name under /run/netns, or a namespace file (/proc/PID/ns/net) that nsenter enters.
 */
export function ipBatch(lines: readonly string[], netns?: string, force = false): string {
  const where = !netns ? [] : netns.startsWith("/") ? ["nsenter", `--net=${netns}`, "--"] : [];
  const named = netns && !netns.startsWith("/") ? ["-n", netns] : [];
  const ip = [...where, "ip", ...named, ...(force ? ["-force"] : []), "-batch", "-"].map(shellQuote).join(" ");
  return `printf '%s\\n' ${lines.map(shellQuote).join(" ")} | ${ip}`;
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,:/=@%+]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that starts the probe in its namespace, as its uid, with only its capabilities: the probe
 * enters them itself and then execs itself (images/probe/enter.c, setpriv's sequence of calls), so the
 * kernel computes the actor's credentials at that exec. It is killed when its runner dies (pdeathsig,
 * set after the uid change, which would clear it).
 */
export function probeCommand(spawn: ProbeSpawn, probe: string): string[] {
  const caps = spawn.caps.length ? spawn.caps.map((c) => c.toLowerCase()).join(",") : "-";
  return [
    probe,
    "enter",
    `/run/netns/${spawn.netns}`,
    String(spawn.uid),
    caps,
    "pdeathsig",
    ...(spawn.recyclable ? ["init"] : []),
  ];
}
