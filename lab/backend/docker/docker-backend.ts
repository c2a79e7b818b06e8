/**
 * The docker backend: every actor is a container from the probe image, run as the actor's uid. Each
 * network namespace of a case is held by a small "hold" container on a lab network that is the run's
 * own while it runs, and the actors living in it join it (network_mode container:<holder>), so a
 * namespace outlives an actor that crashes in it. Holders proven empty serve later runs (holder-pool.ts).
 */
import type Docker from "dockerode";
import { release } from "node:os";
import { LabError } from "../../errors";
import type { Backend, LabSpec, PrepareReport, StartedLab } from "../backend";
import { hostKernel } from "../host-kernel";
import { LiveLabs } from "../live-labs";
import { removeLeftoverNamespaces } from "../netns/netns-backend";
import { ignored } from "../../debug-log";
import type { KernelInfo } from "../../kernel-info";
import { removeLabelled, removeLeftovers } from "./cleanup";
import { ensureEgressGuard } from "./egress-guard";
import { connectEngine, explainEngineLoss } from "./engine";
import { cleanupEngine, engineAddress, engineHung, stopEngineCalls } from "./engine-calls";
import { DockerLab } from "./docker-lab";
import { HolderPool } from "./holder-pool";
import { HostAgent } from "./host-agent";
import { labLabels, newRunLabel, RUN_LABEL } from "./labels";
import { ensureProbeImage } from "./probe-image";

export class DockerBackend implements Backend {
  readonly name = "docker";
  /** The value of the reuselab.run label on every object this backend makes: one per invocation. */
  readonly runLabel = newRunLabel();
  private docker?: Docker;
  private image?: string;
  private pool?: HolderPool;
  /** Scrubs the holders' namespaces (root only): host-agent.ts. */
  private agent?: HostAgent;
  private readonly labs = new LiveLabs<DockerLab>();
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
      // As root, slots are switch namespaces named rl-<pid>-sw…: those of runners that are gone.
      const namespaces = process.getuid?.() === 0 ? removeLeftoverNamespaces() : 0;
      this.image = await ensureProbeImage(this.docker);
      if (process.getuid?.() === 0) this.agent = await HostAgent.start();
      this.pool = new HolderPool(
        this.docker,
        this.image,
        this.runLabel,
        labLabels(this.runLabel),
        this.agent,
        // Unique to this backend: a process may run more than one (netns-backend.ts names its namespaces alike).
        `rl-${process.pid}-sw${Math.random().toString(36).slice(2, 6)}-`,
      );
      const leftoversRemoved = Object.fromEntries(
        Object.entries({ containers, networks, "network namespaces": namespaces }).filter(([, n]) => n > 0),
      );
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
    const { docker, image, pool } = this;
    try {
      // After Ctrl-C a run ends only once the cleanup pass has: until then a second Ctrl-C is heard (interruptible.ts).
      return await this.labs.start(
        spec.runId,
        (forget) => new DockerLab(docker, image, pool, this.runLabel, spec, kernel, () => this.cleanup, forget),
      );
    } catch (e) {
      if (this.interrupted) throw e; // the run is skipped, not failed (the lab's dispose waited for the cleanup)
      // testcontainers words a call past its bound as "Could not find a working container runtime strategy".
      const cause = e instanceof LabError ? e : (engineHung() ?? e);
      const error = this.withLeftovers(await explainEngineLoss(docker, cause));
      // A hung engine ends the command with this error (run-case.ts), which says what may be left.
      if (error instanceof LabError && error.code === "REUSELAB_ENGINE_HUNG") this.told = true;
      throw error;
    }
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
    await Promise.all([this.labs.abort(), this.cleanup]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.interrupted) {
      await this.labs[Symbol.asyncDispose]();
      await this.pool?.[Symbol.asyncDispose]();
    }
    await this.agent?.[Symbol.asyncDispose]();
    // After Ctrl-C, a second pass takes what was being made while the first one ran; not when the
    // first found no engine answering: that would only wait out the bound again.
    const left = (await this.cleanup) ?? (await this.removeRun());
    // The switches are this process's namespaces, not the engine's: removed whatever the engine did.
    await this.pool?.removeWires().catch(ignored("docker/remove-switches"));
    if (!left || this.told) return;
    if (this.interrupted) throw new LabError("REUSELAB_INTERRUPTED", this.interruptedText(left));
    throw new LabError(
      "REUSELAB_LEFTOVERS",
      `this run's containers and networks could not be removed: ${left}; ${this.leftovers}`,
    );
  }

  /** One pass removing every object of this run; why it could not, if it could not. */
  private async removeRun(): Promise<string | undefined> {
    if (!this.started) return undefined; // nothing of this run is made before its first lab
    try {
      await removeLabelled(cleanupEngine(), `${RUN_LABEL}=${this.runLabel}`);
      return undefined;
    } catch (e) {
      // Every call here is the engine's (a gone object is not an error): name it, not only its socket's error.
      const message = (e as Error).message;
      return /docker engine/i.test(message) ? message : `the Docker engine at ${engineAddress()} failed: ${message}`;
    }
  }

  private get leftovers(): string {
    return `what this run made may still be there (containers and networks labelled ${RUN_LABEL}=${this.runLabel}): once the engine answers, 'reuselab clean' removes it`;
  }

  /** A hung engine's error, with what may be left and how to remove it. */
  private withLeftovers(e: unknown): unknown {
    if (!(e instanceof LabError) || e.code !== "REUSELAB_ENGINE_HUNG" || e.message.includes(RUN_LABEL)) return e;
    return new LabError(e.code, `${e.message}; ${this.leftovers}`);
  }

  private interruptedText(left: string | undefined): string {
    return left
      ? `interrupted, and this run's containers and networks could not be removed: ${left}; ${this.leftovers}`
      : "interrupted";
  }
}
