/**
 * One lab on the docker backend: its namespaces are holders leased from the pool (holder-pool.ts), its
 * actors containers joined to them, made for the run or idle from an earlier one (recycled: a new
 * worker with no socket). When the run ends each container is recycled or removed, and the holders go
 * back to the pool, which keeps those proven empty.
 *
 * An actor with no capability runs in a container whose init is `probe init-as UID`: root with only
 * CAP_SETUID, CAP_SETGID, CAP_SETPCAP and CAP_KILL, which starts each worker as the uid it is asked
 * for and with no capability at all, bounding set included (images/probe/main.c). So one idle
 * container serves an actor of any uid; every worker's hello proves its uid, gid and empty capability
 * sets before a run uses it (../probe-hello.ts). An actor with capabilities runs as its uid in a
 * container of its own, with those capabilities added, and is never used again.
 */
import type Docker from "dockerode";
import type { ActorSpec, LabSpec } from "../backend";
import type { KernelInfo } from "../../kernel-info";
import { exitInfo } from "../exit-status";
import { changesNamespace } from "../namespace-caps";
import { recycled } from "../probe-hello";
import { ProbeLab, takeIdle, type PlacedProbe } from "../probe-lab";
import { IDLE_PER_HOLDER, type Holder, type HolderPool, type IdleActor, type Lease } from "./holder-pool";
import { labLabels } from "./labels";
import { ProbeContainer } from "./lab-container";

/** What the init of an actor with no capability keeps to start its workers as any uid: none of them has any. */
const INIT_AS_CAPS = ["SETUID", "SETGID", "SETPCAP", "KILL"];

/** One actor of a lab: where it lives, and its container once it has one (new, or idle from an earlier run). */
interface ActorPlace {
  spec: ActorSpec;
  holder: Holder;
  made?: ProbeContainer;
  container?: IdleActor;
}

export class DockerLab extends ProbeLab {
  private lease?: Lease;
  private readonly places: ActorPlace[] = [];
  private disposing?: Promise<void>;

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly pool: HolderPool,
    /** The value of every object's reuselab.run label: the backend's, for this invocation. */
    private readonly runLabel: string,
    spec: LabSpec,
    kernel: KernelInfo,
    private readonly interruptCleanup: () => Promise<unknown> | undefined,
    private readonly onDisposed: () => void,
  ) {
    super(spec, kernel);
  }

  async start(): Promise<void> {
    this.lease = await this.pool.lease(this.spec.namespaces, this.spec.actors);
    await this.startActors();
  }

  protected async place(a: ActorSpec, label: string): Promise<PlacedProbe> {
    const place: ActorPlace = { spec: a, holder: this.lease!.holders.get(a.netns)! };
    this.places.push(place);
    place.container = await this.takeIdle(place.holder, a);
    this.pool.counts[place.container ? "actorsReused" : "actorsMade"]++;
    if (place.container) {
      place.container.probe.label = label;
    } else {
      place.made = new ProbeContainer(this.docker, this.image, labLabels(this.runLabel), label).withNetworkMode(
        `container:${place.holder.id}`,
      );
      if (a.caps.length) place.made.withUser(`${a.uid}:${a.uid}`).withAddedCapabilities(...a.caps);
      else
        place.made
          .withUser("0")
          .withCommand(["init-as", String(a.uid)])
          .withAddedCapabilities(...INIT_AS_CAPS);
      const started = await place.made.start();
      place.container = { id: started.getId(), uid: a.uid, probe: place.made.session! };
    }
    const container = this.docker.getContainer(place.container.id);
    // The probe's init exits with 128+N when its worker dies of signal N, like a shell.
    const exited = async () => exitInfo(((await container.wait()) as { StatusCode: number }).StatusCode);
    return { session: place.container.probe, exited, reused: place.made === undefined };
  }

  /**
   * An idle container of the holder for an actor with no capability: one whose worker already runs as
   * its uid, or else any, whose next worker is started as its uid and checked. A container that does
   * not pass is removed (a new one is made).
   */
  private async takeIdle(holder: Holder, a: ActorSpec): Promise<IdleActor | undefined> {
    const same = takeIdle(holder.idle, a);
    if (same || a.caps.length) return same;
    for (let c; (c = holder.idle.shift());) {
      if (await recycled(c.probe, a, this.kernel.release, true)) return { ...c, uid: a.uid };
      c.probe.close();
      void this.remove(c.id);
    }
    return undefined;
  }

  protected addresses(netns: string): readonly string[] | undefined {
    return this.lease?.holders.get(netns)?.addresses;
  }

  /** The backend removes what the run made by its label (DockerBackend.abort). */
  abort(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Each actor's container is recycled for a later run (its probe starts over with no socket) when it
   * can be: no capability, still running, and its probe answers. Any other is removed. A namespace is
   * given back only when none of its actors can still be in it and none had a capability that changes
   * it (../namespace-caps.ts).
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.disposing ??= (async () => {
      const settled = await Promise.all(this.places.map((p) => this.putAway(p)));
      const dirty = new Set(
        this.places.filter((p, i) => !settled[i] || changesNamespace(p.spec.caps)).map((p) => p.spec.netns),
      );
      await this.lease?.release(dirty);
      await this.interruptCleanup();
      this.onDisposed();
    })();
    return this.disposing;
  }

  /** Recycles or removes one actor's container; false when it may still be running. */
  private async putAway(p: ActorPlace): Promise<boolean> {
    const c = p.container;
    if (c && p.spec.caps.length === 0 && !c.probe.isClosed && p.holder.idle.length < IDLE_PER_HOLDER) {
      if (await recycled(c.probe, p.spec, this.kernel.release)) {
        p.holder.idle.push(c);
        return true;
      }
    }
    c?.probe.close();
    const id = c?.id ?? p.made?.containerId;
    return id ? this.remove(id) : true;
  }

  /** Removes a container; false when it may still be running. */
  private remove(id: string): Promise<boolean> {
    return this.docker
      .getContainer(id)
      .remove({ force: true })
      .then(
        () => true,
        (e: { statusCode?: number }) => e.statusCode === 404,
      );
  }
}
