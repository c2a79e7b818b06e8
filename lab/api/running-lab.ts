/**
 * A started Lab: its actors' probes run, each in its network namespace under its uid. Calls go through
 * the step kinds (parse, then perform) as a case file's lines do. `stop()` (or `await using`) removes
 * the lab and its backend: probes killed, namespaces or containers deleted, also while a call runs.
 * On netns, a watcher process deletes the namespaces if this process ends first (namespace-reaper.ts).
 */
import type { Backend, LabSpec, StartedLab } from "../backend/backend";
import type { KernelInfo } from "../kernel-info";
import { LabError } from "../errors";
import { stepKind } from "../steps";
import type { ActorRuntime } from "../steps/actor-runtime";
import { StepSyntaxError } from "../steps/grammar";
import { SocketTracker } from "../steps/socket-tracker";
import { LabActor, type PerformCall } from "./lab-actor";
import type { Reaper } from "./namespace-reaper";

export class RunningLab implements AsyncDisposable {
  private readonly sockets = new SocketTracker();
  private readonly names: ReadonlySet<string>;
  private readonly actors = new Map<string, LabActor>();
  private stopping?: Promise<void>;
  private readonly unlisten: () => void = () => undefined;

  private readonly backend: Backend;
  private readonly lab: StartedLab;
  private readonly spec: LabSpec;
  private readonly reaper: Reaper | undefined;
  /** The kernel the lab runs on (the host's: id "host", and its release). */
  readonly kernel: KernelInfo;

  /** @internal Made by Lab.start(). */
  constructor(parts: {
    backend: Backend;
    lab: StartedLab;
    spec: LabSpec;
    kernel: KernelInfo;
    signal?: AbortSignal;
    reaper?: Reaper;
  }) {
    this.backend = parts.backend;
    this.lab = parts.lab;
    this.spec = parts.spec;
    this.kernel = parts.kernel;
    this.reaper = parts.reaper;
    const signal = parts.signal;
    if (signal) {
      const stop = () => void this.stop();
      signal.addEventListener("abort", stop, { once: true });
      this.unlisten = () => signal.removeEventListener("abort", stop);
    }
    this.names = new Set(this.spec.actors.map((a) => a.name));
    for (const a of this.spec.actors) this.actors.set(a.name, new LabActor(a.name, this.perform));
  }

  /** The actor declared with this name; an unknown name is a LabError REUSELAB_BAD_LAB. */
  actor(name: string): LabActor {
    const a = this.actors.get(name);
    if (!a)
      throw new LabError(
        "REUSELAB_BAD_LAB",
        `${this.spec.runId} has no actor '${name}'; its actors: ${[...this.names].join(", ")}`,
      );
    return a;
  }

  /** Removes everything the lab made. Safe to call more than once, and while calls are under way (they fail with REUSELAB_ACTOR_EXITED). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unlisten();
      try {
        await this.lab[Symbol.asyncDispose]();
      } finally {
        await this.backend[Symbol.asyncDispose]();
        await this.reaper?.release();
      }
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** One call as a step line of `actor`: validated by its step kind (an error names the fix), then performed on the probe. */
  private readonly perform: PerformCall = async (actor, words, expect) => {
    const call = `${actor}: ${words.join(" ")}`;
    if (this.stopping) throw new LabError("REUSELAB_BAD_LAB", `${call}: the lab was stopped`);
    const kind = stepKind(words[0] ?? "");
    if (!kind)
      throw new LabError("REUSELAB_BAD_LAB", `${call}: '${words[0] ?? ""}' is not a step of the case language`);
    let step;
    try {
      step = kind.parse(words.slice(1), { actor, actors: this.names, sockets: this.sockets });
    } catch (e) {
      if (!(e instanceof StepSyntaxError)) throw e;
      throw new LabError("REUSELAB_BAD_LAB", `${call}: ${e.message}${e.fix ? `; ${e.fix}` : ""}`);
    }
    const { runtime, thrown } = recording(this.lab.actor(actor));
    const observation = await kind.perform(step, runtime, expect ?? kind.defaultExpectation(step) ?? { kind: "ok" });
    if (observation.error !== undefined) {
      // The probe's own error (the actor exited, no answer in time) keeps its code.
      if (thrown.error instanceof LabError) throw thrown.error;
      throw new LabError("REUSELAB_CALL_FAILED", `${call}: ${observation.error}`);
    }
    return { observation, call, ...("sock" in step && typeof step.sock === "string" ? { socket: step.sock } : {}) };
  };
}

/** The actor's runtime, keeping the error a probe call threw (callChain turns it into text). */
function recording(base: ActorRuntime): { runtime: ActorRuntime; thrown: { error?: unknown } } {
  const thrown: { error?: unknown } = {};
  const runtime: ActorRuntime = {
    name: base.name,
    call: (words, timeoutMs) =>
      base.call(words, timeoutMs).catch((e: unknown) => {
        thrown.error = e;
        throw e;
      }),
    fire: (words) => base.fire(words),
    awaitExit: (timeoutMs) => base.awaitExit(timeoutMs),
    resolve: (host) => base.resolve(host),
  };
  return { runtime, thrown };
}
