/**
 * The bench's lab on any backend: N workers sharing one network namespace (a reuseport group lives
 * in one namespace, under one uid), TCP clients each in a namespace of their own (so their
 * connections cross the lab network, as a remote client's would), and UDP senders in the workers'
 * namespace (so their datagrams go over loopback, where every drop has a kernel counter: see
 * udp-bench.ts). Every actor is its own process (its own container on docker).
 */
import type { ActorSpec, Backend, LabSpec, StartedLab } from "../backend/backend";
import type { KernelInfo } from "../kernel-info";
import { LabError } from "../errors";
import type { ProbeReply } from "../probe/protocol";
import type { ActorRuntime } from "../steps/actor-runtime";

export interface BenchLabShape {
  workers: number;
  clients: number;
  senders: number;
}

const WORKER_UID = 1000;
const CLIENT_UID = 1001;
const SENDER_UID = 1002;
const SERVER_NS = "server";

export function benchLabSpec(runId: string, shape: BenchLabShape): LabSpec {
  const actors: ActorSpec[] = [
    ...range(shape.workers).map((i) => ({ name: `w${i}`, uid: WORKER_UID, netns: SERVER_NS, caps: [] })),
    ...range(shape.clients).map((i) => ({ name: `c${i}`, uid: CLIENT_UID, netns: `c${i}`, caps: [] })),
    ...range(shape.senders).map((i) => ({ name: `s${i}`, uid: SENDER_UID, netns: SERVER_NS, caps: [] })),
  ];
  const namespaces = [SERVER_NS, ...range(shape.clients).map((i) => `c${i}`)].map((name) => ({ name, sysctls: {} }));
  return { runId, actors, namespaces };
}

export class BenchLab implements AsyncDisposable {
  private constructor(
    private readonly lab: StartedLab,
    readonly shape: BenchLabShape,
  ) {}

  static async start(backend: Backend, kernel: KernelInfo, runId: string, shape: BenchLabShape): Promise<BenchLab> {
    return new BenchLab(await backend.start(benchLabSpec(runId, shape), kernel), shape);
  }

  workers(n = this.shape.workers): ActorRuntime[] {
    return range(n).map((i) => this.lab.actor(`w${i}`));
  }

  clients(): ActorRuntime[] {
    return range(this.shape.clients).map((i) => this.lab.actor(`c${i}`));
  }

  senders(): ActorRuntime[] {
    return range(this.shape.senders).map((i) => this.lab.actor(`s${i}`));
  }

  /** The workers' IPv4 address on the lab network. */
  serverAddress(): string {
    return this.lab.actor("w1").resolve({ kind: "actor", actor: "w1", family: 4 });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.lab[Symbol.asyncDispose]();
  }
}

/** A setup call that must work: a refusal or an errno stops the bench with what the kernel said. */
export async function must(actor: ActorRuntime, words: readonly string[], timeoutMs?: number): Promise<ProbeReply> {
  const r = await actor.call(words, timeoutMs);
  if (r.error !== undefined || (r.ret ?? 0) < 0) {
    throw new LabError(
      "REUSELAB_PROBE_PROTOCOL",
      `bench: ${actor.name}: '${words.join(" ")}' failed: ${r.error ?? r.errno}`,
    );
  }
  return r;
}

/** Makes each worker's socket NAME on PORT: a reuseport group when there are several. */
export async function bindWorkers(
  workers: readonly ActorRuntime[],
  proto: "tcp" | "udp",
  name: string,
  port: number,
): Promise<void> {
  for (const w of workers) {
    await must(w, ["socket", name, proto, "4"]);
    if (workers.length > 1) await must(w, ["setsockopt", name, "reuseport", "1"]);
    await must(w, ["bind", name, "0.0.0.0", String(port)]);
    if (proto === "tcp") await must(w, ["listen", name, "4096"]);
  }
}

/**
 * Runs `load` while every worker runs `serve`, then stops the workers (a line on their stdin) and
 * returns both sides' replies. A worker's serve call is never left unobserved, even when the load fails.
 */
export async function serveDuring(
  workers: readonly ActorRuntime[],
  serve: readonly string[],
  serveTimeoutMs: number,
  load: () => Promise<ProbeReply[]>,
): Promise<{ served: ProbeReply[]; loads: ProbeReply[] }> {
  const serving = workers.map((w) => w.call(serve, serveTimeoutMs));
  void Promise.allSettled(serving); // when the load fails, nobody awaits these: that is no unhandled rejection
  let loads: ProbeReply[];
  try {
    loads = await load();
  } finally {
    // Stopped on failure too, so a worker does not serve on until its deadline.
    await Promise.allSettled(workers.map((w) => w.call(["stop"], 10_000)));
  }
  const served = await Promise.all(serving);
  for (const [i, r] of served.entries()) refused(workers[i]!, serve, r);
  for (const r of loads)
    if (r.error !== undefined) throw new LabError("REUSELAB_PROBE_PROTOCOL", `bench: '${r.cmd}' refused: ${r.error}`);
  return { served, loads };
}

function refused(actor: ActorRuntime, words: readonly string[], r: ProbeReply): void {
  if (r.error !== undefined)
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `bench: ${actor.name}: '${words.join(" ")}' refused: ${r.error}`);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
