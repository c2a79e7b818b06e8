/**
 * The probe's agent (images/guest/PROTOCOL.md), run on this machine as root for the docker backend: it
 * scrubs a holder's namespace (`flush-pid`: what `ss -K state connected`, `ip tcp_metrics flush all`
 * and `ip neigh flush all` do) by netlink from inside it, with no program started. Done by nsenter,
 * sh, ss and ip instead, a scrub cost 12 ms of CPU, and the shipped catalogue makes ~170 of them.
 * One agent per backend; it ends when its stdin closes: when the backend is disposed, or when this
 * process ends, however it ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Duplex } from "node:stream";
import { LabError } from "../../errors";
import { GuestControl } from "../vm/guest-control";
import { PROBE_BINARY } from "./probe-image";

/** What the agent said on stderr, kept for an error (its last 2,000 characters). */
const STDERR_KEPT = 2000;

export class HostAgent {
  private constructor(
    private readonly child: ChildProcess,
    private readonly control: GuestControl,
    private readonly exited: Promise<unknown>,
  ) {}

  /** Starts `probe agent` (built by ensureProbeImage) and waits for its READY. */
  static async start(binary = PROBE_BINARY): Promise<HostAgent> {
    const child = spawn(binary, ["agent"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-STDERR_KEPT)));
    const exited = once(child, "exit").catch(() => undefined);
    const failed = once(child, "error").then(([e]) => e as Error);
    const channel = Duplex.from({ readable: child.stdout!, writable: child.stdin! });
    const control = new GuestControl(channel, "the probe agent on this machine", () => stderr.trim(), "its stdout");
    const ended = Promise.race([failed, exited.then(() => new Error(stderr.trim() || "it exited"))]);
    const first = await Promise.race([control.ready, ended]);
    if (first instanceof Error) {
      child.kill("SIGKILL");
      throw new LabError(
        "REUSELAB_PROBE_BUILD",
        `the probe agent (${binary} agent) did not start: ${first.message}; 'make -C images/probe' rebuilds it`,
      );
    }
    return new HostAgent(child, control, exited);
  }

  /** The agent's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Flushes the network namespace of each pid; throws with the agent's words when one failed. */
  async flushPids(pids: readonly number[]): Promise<void> {
    const line = `flush-pid ${pids.join(" ")}`;
    const r = await this.control.request(line);
    if (r.status !== 0) throw new Error(`'${line}' failed (exit ${r.status}): ${r.output.trim().slice(-500)}`);
  }

  /** Closes its stdin, so it ends, and waits for its end (a kill if it is past its bound). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.end();
    const bound = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(bound);
  }
}
