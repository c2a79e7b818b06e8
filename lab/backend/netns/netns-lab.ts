/**
 * One lab in network namespaces (netns-wiring.ts), leased from the backend's pool (netns-pool.ts): its
 * actors are probes in those namespaces, started for the run or kept from an earlier one (recycled: a
 * new worker with no socket, as the same uid). When the run ends the probes are recycled again and the
 * set goes back to the pool, which keeps it only when nothing of the run can be seen in it.
 */
import { ignored } from "../../debug-log";
import { LabError } from "../../errors";
import type { ActorSpec, LabSpec } from "../backend";
import type { KernelInfo } from "../../kernel-info";
import { recycled } from "../probe-hello";
import { ProbeLab, takeIdle, type PlacedProbe } from "../probe-lab";
import type { NetnsHost, ProbeProcess } from "./netns-host";
import { NetnsPool, type IdleProbe } from "./netns-pool";
import type { NamespaceSet } from "./netns-wiring";

interface Place {
  spec: ActorSpec;
  probe: ProbeProcess;
  /** Started as a worker under an init of its own (no capability): it can be recycled. */
  recyclable: boolean;
}

export class NetnsLab extends ProbeLab {
  private set?: NamespaceSet;
  /** The lease under way or made: a dispose waits for it and gives back what it got. */
  private setup?: Promise<{ set: NamespaceSet; probes: IdleProbe[][] }>;
  /** The idle probes of the leased set, per namespace: those this run does not take go back with it. */
  private idle: IdleProbe[][] = [];
  private readonly places: Place[] = [];
  /** Each probe being started: a dispose waits for them, so nothing is made after it. */
  private readonly spawning: Promise<unknown>[] = [];
  private disposing?: Promise<void>;
  /** Set by abort(): probes are killed and the namespaces deleted, nothing goes back to the pool. */
  private aborting = false;

  /** Without a pool of the backend's, the lab has one of its own that keeps nothing (tests). */
  constructor(
    private readonly host: NetnsHost,
    spec: LabSpec,
    kernel: KernelInfo,
    prefix: string,
    private readonly onDisposed: () => void = () => undefined,
    private readonly pool: NetnsPool = new NetnsPool(host, prefix, 0),
  ) {
    super(spec, kernel);
  }

  /** Leases the namespaces and starts the actors; a dispose (Ctrl-C) meanwhile ends it with REUSELAB_INTERRUPTED. */
  async start(): Promise<void> {
    this.setup = this.pool.lease(this.spec.namespaces);
    const { set, probes } = await this.setup;
    this.set = set;
    this.idle = probes;
    // Removed while the namespaces were being made: the dispose gives them back.
    if (this.disposing)
      throw new LabError("REUSELAB_INTERRUPTED", `${this.spec.runId}: the lab was removed while it started`);
    await this.startActors();
  }

  protected async place(a: ActorSpec, label: string): Promise<PlacedProbe> {
    if (this.disposing) throw new LabError("REUSELAB_INTERRUPTED", `${label}: the lab was removed while it started`);
    const kept = takeIdle(this.idle[this.nsIndex(a.netns)]!, a);
    let probe: ProbeProcess;
    if (kept) {
      probe = kept.probe;
      probe.session.label = label;
      this.pool.counts.probesReused++;
    } else {
      const spawning = this.host.spawnProbe({
        netns: this.set!.names[this.nsIndex(a.netns)]!,
        uid: a.uid,
        caps: a.caps,
        label,
        recyclable: !a.caps.length,
      });
      this.spawning.push(spawning);
      probe = await spawning;
      this.pool.counts.probesMade++;
    }
    this.places.push({ spec: a, probe, recyclable: !a.caps.length });
    return { session: probe.session, exited: () => probe.exited, reused: kept !== undefined };
  }

  protected addresses(netns: string): readonly string[] | undefined {
    const i = this.nsIndex(netns);
    return i >= 0 ? this.set?.addresses[i] : undefined;
  }

  /** The index of a namespace of the lab, by its name in the case: in the spec, the set and the idle probes alike. */
  private nsIndex(netns: string): number {
    return this.spec.namespaces.findIndex((n) => n.name === netns);
  }

  /** Kills the probes and deletes the namespaces at once (Ctrl-C): nothing goes back to the pool. */
  abort(): Promise<void> {
    this.aborting = true;
    return this[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.disposing ??= (async () => {
      // A dispose may come while the lab starts (Ctrl-C): namespaces added or probes started after the
      // deletion would be left behind, so it waits for what is under way (its failure is the start's).
      const lease = await this.setup?.catch(ignored("netns/teardown-lease"));
      await Promise.all(this.spawning.map((s) => s.catch(ignored("netns/teardown-spawn"))));
      if (lease) {
        const kept = await Promise.all(this.places.map((p) => this.putAway(p)));
        const all = kept.every((k) => k !== undefined) && this.places.length === this.spec.actors.length;
        const probes = lease.probes.map((list) => [...list]);
        kept.forEach((k, i) => k && probes[this.nsIndex(this.places[i]!.spec.netns)]!.push(k));
        await this.pool.giveBack(lease.set, probes, all && !this.aborting);
      }
      this.onDisposed();
    })();
    return this.disposing;
  }

  /** Recycles an actor's probe (a new worker with no socket, the same uid), or kills it; undefined when killed. */
  private async putAway(p: Place): Promise<IdleProbe | undefined> {
    if (p.recyclable && !this.aborting && !p.probe.session.isClosed) {
      const hello = await recycled(p.probe.session, p.spec, this.kernel.release);
      if (typeof hello?.pid === "number") return { uid: p.spec.uid, probe: p.probe, pid: hello.pid };
    }
    p.probe.kill();
    await p.probe.exited.catch(ignored("netns/teardown-exit"));
    return undefined;
  }
}
