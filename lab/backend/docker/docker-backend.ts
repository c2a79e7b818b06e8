/**
 * The docker backend: every actor is a container from the probe image, run as the actor's uid. Each
 * network namespace of a case is held by a small "hold" container on the run's own lab network, and
 * the actors living in it join it (network_mode container:<holder>), so a namespace outlives an actor
 * that crashes in it.
 */
import type Docker from "dockerode";
import { constants, release } from "node:os";
import type { StartedTestContainer } from "testcontainers";
import { LabError } from "../../errors";
import type { ActorRuntime, ExitInfo } from "../../steps/actor-runtime";
import type { Host } from "../../steps/grammar";
import type { Backend, KernelInfo, LabSpec, PrepareReport, StartedLab } from "../backend";
import { removeLabelled, removeLeftovers } from "./cleanup";
import { ensureEgressGuard } from "./egress-guard";
import { connectEngine, explainEngineLoss } from "./engine";
import { LabContainer, ProbeContainer } from "./lab-container";
import { createLabNetwork, type LabNetwork } from "./lab-network";
import { LAB_LABEL, labLabels, newSession, RUN_LABEL } from "./labels";
import { ensureProbeImage } from "./probe-image";

/** Docker turns IPv6 off inside containers on this engine; the lab's namespaces have it, loopback included. */
const IPV6_ON = {
  "net.ipv6.conf.all.disable_ipv6": "0",
  "net.ipv6.conf.default.disable_ipv6": "0",
  "net.ipv6.conf.lo.disable_ipv6": "0",
};

export class DockerBackend implements Backend {
  readonly name = "docker";
  readonly session = newSession();
  private docker?: Docker;
  private image?: string;
  private readonly labs = new Set<DockerLab>();

  async prepare(): Promise<PrepareReport> {
    this.docker = await connectEngine();
    ensureEgressGuard();
    const { containers, networks } = await removeLeftovers(this.docker);
    this.image = await ensureProbeImage(this.docker);
    const leftoversRemoved = Object.fromEntries(Object.entries({ containers, networks }).filter(([, n]) => n > 0));
    return { kernels: [{ id: "host", release: release() }], leftoversRemoved };
  }

  async start(spec: LabSpec, kernel: KernelInfo): Promise<StartedLab> {
    if (!this.docker || !this.image) throw new Error("DockerBackend.start() before prepare()");
    const lab = new DockerLab(this.docker, this.image, this.session, spec, kernel);
    this.labs.add(lab);
    lab.disposed.then(() => this.labs.delete(lab));
    try {
      await lab.start();
    } catch (e) {
      await lab[Symbol.asyncDispose]();
      throw await explainEngineLoss(this.docker, e);
    }
    return lab;
  }

  async abort(): Promise<void> {
    if (!this.docker) return;
    const docker = this.docker;
    await removeLabelled(docker, `${RUN_LABEL}=${this.session}`).catch(async (e: unknown) => {
      throw await explainEngineLoss(docker, e);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.labs].map((l) => l[Symbol.asyncDispose]()));
    await this.abort();
  }
}

class DockerLab implements StartedLab {
  private network?: LabNetwork;
  private readonly containers: string[] = [];
  /** Each namespace's addresses on the lab network: [IPv4, IPv6]. */
  private readonly addresses = new Map<string, [string, string]>();
  private readonly actors = new Map<string, DockerActor>();
  private markDisposed!: () => void;
  readonly disposed = new Promise<void>((r) => (this.markDisposed = r));
  private disposing?: Promise<void>;
  private readonly id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly session: string,
    private readonly spec: LabSpec,
    private readonly kernel: KernelInfo,
  ) {}

  private labels(): Record<string, string> {
    return labLabels(this.session, { runId: this.spec.runId, id: this.id });
  }

  async start(): Promise<void> {
    const name = `${this.session}-${slug(this.spec.runId)}`.slice(0, 50) + `-${this.id}`;
    this.network = await createLabNetwork(this.docker, name, this.labels());
    const holders = await Promise.all(
      this.spec.namespaces.map(async (ns) => {
        const c = new LabContainer(this.image, this.labels()).withCommand(["hold"]).withNetworkMode(this.network!.name).withSysctls({ ...IPV6_ON, ...ns.sysctls });
        const started = await this.track(c.start());
        const net = (await this.docker.getContainer(started.getId()).inspect()).NetworkSettings.Networks[this.network!.name];
        this.addresses.set(ns.name, [net?.IPAddress ?? "", net?.GlobalIPv6Address ?? ""]);
        return [ns.name, started.getId()] as const;
      }),
    );
    const holderOf = new Map(holders);
    await Promise.all(
      this.spec.actors.map(async (a) => {
        const label = `${a.name} (${this.spec.runId})`;
        const c = new ProbeContainer(this.docker, this.image, this.labels(), label)
          .withUser(String(a.uid))
          .withNetworkMode(`container:${holderOf.get(a.netns)}`)
          .withAddedCapabilities(...a.caps);
        const started = await this.track(c.start());
        const actor = new DockerActor(a.name, this.docker.getContainer(started.getId()), c.session!, (h) => this.resolve(h));
        const hello = await c.session!.call(["hello"]);
        if (hello.uid !== a.uid) throw new LabError("REUSELAB_PROBE_PROTOCOL", `${label} runs as uid ${String(hello.uid)}, not ${a.uid}`);
        if (hello.release !== this.kernel.release) throw new LabError("REUSELAB_PROBE_PROTOCOL", `${label} runs on kernel ${String(hello.release)}, not ${this.kernel.release}`);
        this.actors.set(a.name, actor);
      }),
    );
  }

  /** Records every container as soon as it exists, so a failure half-way still removes it. */
  private async track(starting: Promise<StartedTestContainer>): Promise<StartedTestContainer> {
    const started = await starting;
    this.containers.push(started.getId());
    return started;
  }

  actor(name: string): ActorRuntime {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no actor '${name}' in this lab`);
    return a;
  }

  private resolve(host: Host): string {
    if (host.kind === "literal") return host.address;
    const ns = this.spec.actors.find((a) => a.name === host.actor)?.netns;
    const address = ns && this.addresses.get(ns)?.[host.family === 6 ? 1 : 0];
    if (!address) throw new Error(`no IPv${host.family} address for actor '${host.actor}'`);
    return address;
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.disposing ??= (async () => {
      for (const a of this.actors.values()) a.close();
      // Containers that were created but whose start() failed are not in this.containers: find them by
      // this lab's own label (another lab may be running the same case right now).
      await removeLabelled(this.docker, `${RUN_LABEL}=${this.session}`, `${LAB_LABEL}=${this.id}`).catch(() => undefined);
      await Promise.all(this.containers.map((id) => this.docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
      await this.network?.remove();
      this.markDisposed();
    })();
    return this.disposing;
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

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, "_");
}
