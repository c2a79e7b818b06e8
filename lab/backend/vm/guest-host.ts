/**
 * The netns backend's commands inside a guest kernel: each command list goes to the guest agent as one
 * request; each probe gets a virtio-serial port of its own, whose socket the host keeps connected from
 * boot on (the guest drops host data on a port it has not opened, so the agent reports a probe only
 * once its port is open).
 */
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { PassThrough, Writable } from "node:stream";
import { ignored } from "../../debug-log";
import { LabError } from "../../errors";
import { ProbeSession } from "../../probe/probe-session";
import type { ExitInfo } from "../../steps/actor-runtime";
import { shellQuote, type NetnsHost, type ProbeProcess, type ProbeSpawn } from "../netns/netns-host";
import { exitInfo } from "../exit-status";
import type { GuestControl } from "./guest-control";
import type { Wiring } from "../netns/netns-wiring";

/** How long a port rests after its probe ended, so late bytes of that probe cannot reach the next one. */
const PORT_REST_MS = 300;

interface Port {
  name: string;
  socket: Socket;
  /** Where the port's bytes go now: the current probe's stdout, or nowhere. */
  sink?: PassThrough;
  freeSince: number;
}

export class GuestHost implements NetnsHost {
  /** Only the agent and the lab's probes run in a guest. */
  readonly shared = false;
  private readonly ports: Port[];
  /** Ports whose probe was killed and has not ended yet, and spawns waiting for such a port. */
  private readonly dying = new Set<Port>();
  private readonly waiting: (() => void)[] = [];
  /** Probes to kill, gathered in one request. */
  private killing: number[] = [];

  constructor(
    readonly release: string,
    readonly control: GuestControl,
    sockets: Map<string, Socket>,
  ) {
    this.ports = [...sockets].map(([name, socket]) => {
      const port: Port = { name, socket, freeSince: 0 };
      socket.on("data", (d: Buffer) => port.sink?.write(d));
      return port;
    });
  }

  async script(line: string): Promise<string> {
    const r = await this.control.request(`set -o pipefail; ${line}`);
    if (r.status !== 0)
      throw new Error(`netns setup in the guest failed (exit ${r.status}): ${r.output.trim().slice(-500)}`);
    return r.output;
  }

  async addNamespaces(names: readonly string[]): Promise<void> {
    await this.native(`netns add ${names.join(" ")}`);
  }

  async wire(w: Wiring): Promise<void> {
    await this.native(
      ["netns wire", w.switchNs, ...w.namespaces.map((n) => `${n.name},${n.ipv4},${n.ipv6}`)].join(" "),
    );
    for (const s of w.sysctls) await this.native(`netns sysctl ${s.netns} ${s.key} ${s.value}`);
  }

  async deleteNamespaces(names: readonly string[]): Promise<void> {
    await this.control.request(`netns del ${names.join(" ")}`); // a missing one is no failure here
  }

  async flushNamespaces(names: readonly string[]): Promise<void> {
    await this.native(`flush ${names.join(" ")}`);
  }

  async sockstat(pids: readonly number[]): Promise<string[]> {
    const out = await this.native(`sockstat ${pids.join(" ")}`);
    const lines = out.split("\n");
    return pids.map((pid) =>
      lines
        .filter((l) => l.startsWith(`${pid} `))
        .map((l) => l.slice(`${pid} `.length))
        .join("\n"),
    );
  }

  /** One of the agent's own requests (no shell); a non-zero status throws, with its output. */
  private async native(line: string): Promise<string> {
    const r = await this.control.request(line);
    if (r.status !== 0)
      throw new Error(`'${line.slice(0, 80)}' in the guest failed (exit ${r.status}): ${r.output.trim().slice(-500)}`);
    return r.output;
  }

  async spawnProbe(s: ProbeSpawn): Promise<ProbeProcess> {
    const port = await this.takePort(s.label);
    const stdout = new PassThrough();
    port.sink = stdout;
    const exited = new Promise<ExitInfo>((resolve) =>
      this.control.onExit(port.name, (status) => {
        stdout.end();
        port.sink = undefined;
        port.freeSince = Date.now();
        this.dying.delete(port);
        for (const wake of this.waiting.splice(0)) wake();
        resolve(exitInfo(status < 0 ? null : status));
      }),
    );
    const caps = s.caps.length ? s.caps.map((c) => c.toLowerCase()).join(",") : "-";
    const r = await this.control.request(
      ["spawn", port.name, s.netns, String(s.uid), caps, ...(s.recyclable ? ["init"] : [])].map(shellQuote).join(" "),
    );
    if (r.status !== 0 || r.pid === undefined) {
      port.sink = undefined;
      port.freeSince = Date.now();
      throw new LabError(
        "REUSELAB_ACTOR_EXITED",
        `${s.label}: the guest could not start the probe (exit ${r.status}): ${r.output}`,
      );
    }
    // The port's socket outlives this probe: the session may write to it but never end it.
    const stdin = new Writable({ write: (chunk, _enc, done) => (port.socket.write(chunk), done()) });
    const pid = r.pid;
    return {
      session: new ProbeSession(s.label, stdin, stdout),
      exited,
      kill: () => (this.dying.add(port), this.kill(pid)),
    };
  }

  /** Kills probe `pid` with those killed in the same tick: one request for them all. */
  private kill(pid: number): void {
    if (this.killing.push(pid) > 1) return;
    queueMicrotask(() => {
      const pids = this.killing.splice(0);
      // The agent's own kill (SIGKILL, no shell); a probe that has ended already is no failure here.
      void this.control.request(`kill ${pids.join(" ")}`).catch(ignored("vm/kill-probes"));
    });
  }

  /**
   * The port that has rested longest. A port whose probe ended less than PORT_REST_MS ago is waited
   * for (the agent answers quickly enough that the next lab often starts within that time), and so is
   * the end of a probe already killed; only when every port has a live probe that nobody ends is it
   * an error.
   */
  private async takePort(label: string): Promise<Port> {
    for (;;) {
      const now = Date.now();
      const free = this.ports.filter((p) => !p.sink).sort((a, b) => a.freeSince - b.freeSince);
      const port = free[0];
      if (!port && this.dying.size) {
        await new Promise<void>((wake) => this.waiting.push(wake));
        continue;
      }
      if (!port)
        throw new LabError(
          "REUSELAB_ACTOR_EXITED",
          `${label}: every probe port of the guest is busy (${this.ports.length}); lower --jobs`,
        );
      const rest = port.freeSince + PORT_REST_MS - now;
      if (rest <= 0) {
        port.sink = new PassThrough(); // reserved until spawnProbe sets the real one
        return port;
      }
      await sleep(rest);
    }
  }
}
