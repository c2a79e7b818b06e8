/**
 * The netns backend: actors are probe processes in network namespaces under their case's uids, with
 * no container engine. Root only. Every namespace is named "rl-<runner pid>-<lab>-…", so those of
 * a killed run are found and removed by the next one.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { ignored } from "../../debug-log";
import { LabError } from "../../errors";
import { findSystemTool, systemTool } from "../../system-tools";
import { hostKernel } from "../host-kernel";
import { LiveLabs } from "../live-labs";
import type { Backend, LabSpec, PrepareReport, StartedLab } from "../backend";
import type { KernelInfo } from "../../kernel-info";
import { buildProbeBinary } from "../docker/probe-image";
import { runnerAlive } from "../../process-stat";
import { LocalHost } from "./local-host";
import { NetnsLab } from "./netns-lab";
import { NetnsPool } from "./netns-pool";

const PREFIX = /^rl-(\d+)-/;
/** Where `ip netns add` names namespaces (iproute2's NETNS_RUN_DIR). */
const NETNS_DIR = "/run/netns";
const TOOLS = ["ip", "nsenter", "sh"];

export class NetnsBackend implements Backend {
  readonly name = "netns";
  private host?: LocalHost;
  private pool?: NetnsPool;
  /** Tells apart two backends of one process (ava's test files run as threads of one pid). */
  private readonly tag = Math.random().toString(36).slice(2, 6);
  private readonly labs = new LiveLabs<NetnsLab>();

  /** Begins the name of every namespace this backend makes, and of no other backend's: then the lab's number, "-" and the namespace's. */
  get namespacePrefix(): string {
    return `rl-${process.pid}-${this.tag}`;
  }

  async prepare(): Promise<PrepareReport> {
    if (process.getuid?.() !== 0) {
      throw new LabError(
        "REUSELAB_NOT_ROOT",
        "the netns backend needs root: it makes network namespaces and runs actors as other uids. Run as root, or use --backend docker.",
      );
    }
    const missing = TOOLS.filter((t) => !findSystemTool(t));
    if (missing.length)
      throw new LabError(
        "REUSELAB_NO_TOOL",
        `the netns backend needs ${missing.join(", ")} (Debian: apt-get install iproute2 util-linux)`,
      );
    this.host = new LocalHost(buildProbeBinary());
    this.pool = new NetnsPool(this.host, this.namespacePrefix);
    const removed = removeLeftoverNamespaces();
    return {
      kernels: [hostKernel(this.host.release)],
      leftoversRemoved: removed ? { "network namespaces": removed } : {},
    };
  }

  async start(spec: LabSpec, kernel: KernelInfo): Promise<StartedLab> {
    const { host, pool } = this;
    if (!host || !pool) throw new Error("NetnsBackend.start() before prepare()");
    return this.labs.start(spec.runId, (forget) => new NetnsLab(host, spec, kernel, "", forget, pool));
  }

  /** Namespace sets and probes made and reused (netns-pool.ts). */
  get reuse() {
    return this.pool?.counts;
  }

  async abort(): Promise<void> {
    await this.labs.abort();
    await this.pool?.drain();
  }

  /** The runs' labs are gone: their namespaces kept for reuse are deleted. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.labs[Symbol.asyncDispose]();
    await this.abort();
  }
}

/**
 * Deletes the namespaces of earlier runs whose runner is gone; returns how many. Root only.
 *
 * The names are read from /run/netns itself, not from `ip netns list`: while another lab adds or deletes
 * a namespace, its file there is for a moment not (or no longer) a namespace, and `ip netns list` then
 * prints "Error: Peer netns reference is invalid." on stderr, into the user's output.
 */
export function removeLeftoverNamespaces(): number {
  let removed = 0;
  for (const name of namespaceNames()) {
    const pid = PREFIX.exec(name)?.[1];
    if (!pid || runnerAlive(Number(pid), undefined)) continue;
    try {
      execFileSync(systemTool("ip", "iproute2"), ["netns", "del", name], { stdio: "ignore" });
      removed++;
    } catch (e) {
      ignored("netns/leftover-gone")(e); // deleted meanwhile by its own runner's end, or by another run
    }
  }
  return removed;
}

/** The named network namespaces (what `ip netns list` lists). */
function namespaceNames(): string[] {
  try {
    return readdirSync(NETNS_DIR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return []; // no namespace was ever named here
    throw e;
  }
}
