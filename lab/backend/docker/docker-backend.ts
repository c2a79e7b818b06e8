/**
 * The docker backend: every actor is a container from the probe image, run as the actor's uid. Each
 * network namespace of a case is held by a small "hold" container on a lab network that is the run's
 * own while it runs, and the actors living in it join it (network_mode container:<holder>), so a
 * namespace outlives an actor that crashes in it. Holders proven empty serve later runs (holder-pool.ts).
 */
import type Docker from "dockerode";
import { constants, release } from "node:os";
import { LabError } from "../../errors";
import { hostKernel } from "../host-kernel";
import type { ActorRuntime, ExitInfo } from "../../steps/actor-runtime";
import type { Host } from "../../steps/grammar";
import type { ActorSpec, Backend, LabSpec, PrepareReport, StartedLab } from "../backend";
import type { KernelInfo } from "../../kernel-info";
import { removeLabelled, removeLeftovers } from "./cleanup";
import { ensureEgressGuard } from "./egress-guard";
import { connectEngine, explainEngineLoss } from "./engine";
import { cleanupEngine, engineHung, stopEngineCalls } from "./engine-calls";
import { ProbeContainer } from "./lab-container";
import { HolderPool, IDLE_PER_HOLDER, type Holder, type IdleActor, type Lease } from "./holder-pool";
import { labLabels, newSession, RUN_LABEL } from "./labels";
import { ensureProbeImage } from "./probe-image";

export class DockerBackend implements Backend {
  readonly name = "docker";
  readonly session = newSession();
  private docker?: Docker;
  private image?: string;
  private pool?: HolderPool;
  private readonly labs = new Set<DockerLab>();
  /** The pass that removes this run's objects once Ctrl-C came: why it could not, if it could not. */
  private cleanup?: Promise<string | undefined>;
  private interrupted = false;
  private started = false;
  /** An error that ends the command has said what may be left: disposing need not say it again. */
  private told = false;

  async prepare(): Promise<PrepareReport> {
    try {
      this.docker = await connectEngine();
      ensureEgressGuard();
      const { containers, networks } = await removeLeftovers(this.docker);
      this.image = await ensureProbeImage(this.docker);
      this.pool = new HolderPool(this.docker, this.image, this.session, labLabels(this.session));
      const leftoversRemoved = Object.fromEntries(Object.entries({ containers, networks }).filter(([, n]) => n > 0));
      return { kernels: [hostKernel(release())], leftoversRemoved };
    } catch (e) {
      // This error ends the command: it says what the cleanup could not do, the cleanup need not.
      this.told = true;
      if (this.interrupted) throw new LabError("REUSELAB_INTERRUPTED", this.interruptedText(await this.cleanup));
      throw e; // nothing of this run was made yet
    }
  }

  async start(spec: LabSpec, kernel: KernelInfo): Promise<StartedLab> {
    if (!this.docker || !this.image || !this.pool) throw new Error("DockerBackend.start() before prepare()");
    this.started = true;
    // After Ctrl-C a run ends only once the cleanup pass has: until then a second Ctrl-C is heard (interruptible.ts).
    const lab = new DockerLab(this.docker, this.image, this.pool, this.session, spec, kernel, () => this.cleanup);
    this.labs.add(lab);
    lab.disposed.then(() => this.labs.delete(lab));
    try {
      await lab.start();
    } catch (e) {
      await lab[Symbol.asyncDispose]();
      if (this.interrupted) throw e; // the run is skipped, not failed (the lab's dispose waited for the cleanup)
      // testcontainers words a call past its bound as "Could not find a working container runtime strategy".
      const cause = e instanceof LabError ? e : (engineHung() ?? e);
      const error = this.withLeftovers(await explainEngineLoss(this.docker, cause));
      // A hung engine ends the command with this error (run-case.ts), which says what may be left.
      if (error instanceof LabError && error.code === "REUSELAB_ENGINE_HUNG") this.told = true;
      throw error;
    }
    return lab;
  }

  /** Containers made and reused so far (holder-pool.ts). */
  get counts(): HolderPool["counts"] | undefined {
    return this.pool?.counts;
  }

  /**
   * Ctrl-C: every engine call in flight ends at once, and what this run made is removed by its label,
   * each call within the engine's bound. Never rejects (it runs from a signal handler); what it could
   * not remove is said when the backend is disposed.
   */
  async abort(): Promise<void> {
    this.interrupted = true;
    stopEngineCalls(new LabError("REUSELAB_INTERRUPTED", "interrupted"));
    this.cleanup ??= this.removeRun();
    await this.cleanup;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.interrupted) {
      await Promise.all([...this.labs].map((l) => l[Symbol.asyncDispose]()));
      await this.pool?.[Symbol.asyncDispose]();
    }
    // After Ctrl-C, a second pass takes what was being made while the first one ran; not when the
    // first found no engine answering: that would only wait out the bound again.
    const left = (await this.cleanup) ?? (await this.removeRun());
    if (!left || this.told) return;
    if (this.interrupted) throw new LabError("REUSELAB_INTERRUPTED", this.interruptedText(left));
    throw new LabError("REUSELAB_NO_ENGINE", `this run's containers and networks could not be removed: ${left}; ${this.leftovers}`);
  }

  /** One pass removing every object of this run; why it could not, if it could not. */
  private async removeRun(): Promise<string | undefined> {
    if (!this.started) return undefined; // nothing of this run is made before its first lab
    try {
      await removeLabelled(cleanupEngine(), `${RUN_LABEL}=${this.session}`);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  private get leftovers(): string {
    return `what this run made may still be there (containers and networks labelled ${RUN_LABEL}=${this.session}): once the engine answers, 'reuselab clean' removes it`;
  }

  /** A hung engine's error, with what may be left and how to remove it. */
  private withLeftovers(e: unknown): unknown {
    if (!(e instanceof LabError) || e.code !== "REUSELAB_ENGINE_HUNG" || e.message.includes(RUN_LABEL)) return e;
    return new LabError(e.code, `${e.message}; ${this.leftovers}`);
  }

  private interruptedText(left: string | undefined): string {
    return left ? `interrupted, and this run's containers and networks could not be removed: ${left}; ${this.leftovers}` : "interrupted";
  }
}

/** One actor of a lab: where it lives, and its container once it has one (new, or idle from an earlier run). */
interface ActorPlace {
  spec: ActorSpec;
  holder: Holder;
  made?: ProbeContainer;
  container?: IdleActor;
}

const RECYCLE_MS = 2000;

class DockerLab implements StartedLab {
  private lease?: Lease;
  private readonly places: ActorPlace[] = [];
  private readonly actors = new Map<string, DockerActor>();
  private markDisposed!: () => void;
  readonly disposed = new Promise<void>((r) => (this.markDisposed = r));
  private disposing?: Promise<void>;

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly pool: HolderPool,
    private readonly session: string,
    private readonly spec: LabSpec,
    private readonly kernel: KernelInfo,
    private readonly interruptCleanup: () => Promise<unknown> | undefined,
  ) {}

  async start(): Promise<void> {
    this.lease = await this.pool.lease(this.spec.namespaces);
    const holders = this.lease.holders;
    await Promise.all(
      this.spec.actors.map(async (a) => {
        const place: ActorPlace = { spec: a, holder: holders.get(a.netns)! };
        this.places.push(place);
        const label = `${a.name} (${this.spec.runId})`;
        // An actor with a capability always gets a container of its own making; others may get an idle one.
        const i = a.caps.length ? -1 : place.holder.idle.findIndex((c) => c.uid === a.uid);
        this.pool.counts[i >= 0 ? "actorsReused" : "actorsMade"]++;
        if (i >= 0) {
          place.container = place.holder.idle.splice(i, 1)[0]!;
          place.container.session.label = label;
        } else {
          place.made = new ProbeContainer(this.docker, this.image, labLabels(this.session), label)
            .withUser(String(a.uid))
            .withNetworkMode(`container:${place.holder.id}`)
            .withAddedCapabilities(...a.caps);
          const started = await place.made.start();
          place.container = { id: started.getId(), uid: a.uid, session: place.made.session! };
        }
        const { id, session } = place.container;
        const hello = await session.call(["hello"]);
        if (hello.uid !== a.uid) throw new LabError("REUSELAB_PROBE_PROTOCOL", `${label} runs as uid ${String(hello.uid)}, not ${a.uid}`);
        if (hello.release !== this.kernel.release) throw new LabError("REUSELAB_PROBE_PROTOCOL", `${label} runs on kernel ${String(hello.release)}, not ${this.kernel.release}`);
        this.actors.set(a.name, new DockerActor(a.name, this.docker.getContainer(id), session, (h) => this.resolve(h)));
      }),
    );
  }

  actor(name: string): ActorRuntime {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no actor '${name}' in this lab`);
    return a;
  }

  private resolve(host: Host): string {
    if (host.kind === "literal") return host.address;
    const ns = this.spec.actors.find((a) => a.name === host.actor)?.netns;
    const address = ns && this.lease?.holders.get(ns)?.addresses[host.family === 6 ? 1 : 0];
    if (!address) throw new Error(`no IPv${host.family} address for actor '${host.actor}'`);
    return address;
  }

  /**
   * Each actor's container is recycled for a later run (its probe starts over with no socket) when it
   * can be: no capability, still running, and its probe answers. Any other is removed. A namespace is
   * given back only when none of its actors can still be in it and none had a capability.
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.disposing ??= (async () => {
      const settled = await Promise.all(this.places.map((p) => this.putAway(p)));
      const dirty = new Set(this.places.filter((p, i) => !settled[i] || p.spec.caps.length > 0).map((p) => p.spec.netns));
      await this.lease?.release(dirty);
      await this.interruptCleanup();
      this.markDisposed();
    })();
    return this.disposing;
  }

  /** Recycles or removes one actor's container; false when it may still be running. */
  private async putAway(p: ActorPlace): Promise<boolean> {
    const c = p.container;
    if (c && p.spec.caps.length === 0 && !c.session.isClosed && p.holder.idle.length < IDLE_PER_HOLDER) {
      const hello = await c.session.recycle(RECYCLE_MS).catch(() => undefined);
      if (hello?.uid === p.spec.uid) {
        p.holder.idle.push(c);
        return true;
      }
    }
    c?.session.close();
    const id = c?.id ?? p.made?.containerId;
    if (!id) return true;
    return this.docker
      .getContainer(id)
      .remove({ force: true })
      .then(
        () => true,
        (e: { statusCode?: number }) => e.statusCode === 404,
      );
  }
}

class DockerActor implements ActorRuntime {
  constructor(
    readonly name: string,
    private readonly container: Docker.Container,
    private readonly session: NonNullable<ProbeContainer["session"]>,
    readonly resolve: (h: Host) => string,
  ) {}

  call(words: readonly string[], timeoutMs?: number) {
    return this.session.call(words, timeoutMs);
  }

  fire(words: readonly string[]): void {
    this.session.fire(words);
  }

  async awaitExit(timeoutMs: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LabError("REUSELAB_TIMEOUT", `${this.name} did not exit within ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      const { StatusCode } = (await Promise.race([this.container.wait(), timeout])) as { StatusCode: number };
      return exitInfo(StatusCode);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.session.close();
  }
}

/** The probe's init exits with 128+N when its worker dies of signal N, like a shell. */
function exitInfo(status: number): ExitInfo {
  if (status > 128) {
    const sig = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (sig) return { code: status, signal: sig };
  }
  return { code: status, signal: null };
}
