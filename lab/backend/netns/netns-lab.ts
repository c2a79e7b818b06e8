/**
 * One lab in network namespaces (netns-wiring.ts), leased from the backend's pool (netns-pool.ts): its
 * actors are probes in those namespaces, started for the run or kept from an earlier one (recycled: a
 * new worker with no socket, as the same uid). When the run ends the probes are recycled again and the
 * set goes back to the pool, which keeps it only when nothing of the run can be seen in it.
 */
import { LabError } from "../../errors";
import type { Host } from "../../steps/grammar";
import type { ActorRuntime } from "../../steps/actor-runtime";
import type { ActorSpec, LabSpec, StartedLab } from "../backend";
import { ProbeActor } from "../probe-actor";
import type { NetnsHost, ProbeProcess } from "./netns-host";
import { NetnsPool, type IdleProbe } from "./netns-pool";
import type { NamespaceSet } from "./netns-wiring";

/** How long a probe may take to start a new worker and say hello. */
const RECYCLE_MS = 2000;

interface Place {
  spec: ActorSpec;
  probe: ProbeProcess;
  /** Started as a worker under an init of its own (no capability): it can be recycled. */
  recyclable: boolean;
}

export class NetnsLab implements StartedLab {
  private set?: NamespaceSet;
  /** The lease under way or made: a dispose waits for it and gives back what it got. */
  private setup?: Promise<{ set: NamespaceSet; probes: IdleProbe[][] }>;
  private readonly places: Place[] = [];
  private readonly actors = new Map<string, ProbeActor>();
  /** Each probe being started: a dispose waits for them, so nothing is made after it. */
  private readonly spawning: Promise<unknown>[] = [];
  private disposing?: Promise<void>;
  /** Set by abort(): probes are killed and the namespaces deleted, nothing goes back to the pool. */
  private aborting = false;

  /** Without a pool of the backend's, the lab has one of its own that keeps nothing (tests). */
  constructor(
    private readonly host: NetnsHost,
    private readonly spec: LabSpec,
    prefix: string,
    private readonly onDisposed: () => void = () => undefined,
    private readonly pool: NetnsPool = new NetnsPool(host, prefix, 0),
  ) {}

  /** Leases the namespaces and starts the actors; a dispose (Ctrl-C) meanwhile ends it with REUSELAB_INTERRUPTED. */
  async start(): Promise<void> {
    this.setup = this.pool.lease(this.spec.namespaces);
    // The idle probes this run does not take stay in `idle`, and go back with the set.
    const { set, probes: idle } = await this.setup;
    this.set = set;
    // Removed while the namespaces were being made: the dispose gives them back.
    if (this.disposing) throw new LabError("REUSELAB_INTERRUPTED", `${this.spec.runId}: the lab was removed while it started`);
    const nsIndex = (a: ActorSpec) => this.spec.namespaces.findIndex((n) => n.name === a.netns);
    await Promise.all(
      this.spec.actors.map(async (a) => {
        const label = `${a.name} (${this.spec.runId})`;
        if (this.disposing) throw new LabError("REUSELAB_INTERRUPTED", `${label}: the lab was removed while it started`);
        const kept = a.caps.length ? -1 : idle[nsIndex(a)]!.findIndex((p) => p.uid === a.uid);
        let probe: ProbeProcess;
        if (kept >= 0) {
          probe = idle[nsIndex(a)]!.splice(kept, 1)[0]!.probe;
          probe.session.label = label;
          this.pool.counts.probesReused++;
        } else {
          const spawning = this.host.spawnProbe({ netns: set.names[nsIndex(a)]!, uid: a.uid, caps: a.caps, label, recyclable: !a.caps.length });
          this.spawning.push(spawning);
          probe = await spawning;
          this.pool.counts.probesMade++;
        }
        this.places.push({ spec: a, probe, recyclable: !a.caps.length });
        this.actors.set(a.name, new ProbeActor(a.name, probe.session, () => probe.exited, (h) => this.resolve(h)));
        if (kept < 0) {
          const hello = await probe.session.call(["hello"]);
          if (hello.uid !== a.uid) throw new Error(`${label} runs as uid ${String(hello.uid)}, not ${a.uid}`);
        }
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
    const i = this.spec.namespaces.findIndex((n) => n.name === this.spec.actors.find((a) => a.name === host.actor)?.netns);
    const address = i >= 0 ? this.set?.addresses[i]?.[host.family === 6 ? 1 : 0] : undefined;
    if (!address) throw new Error(`no IPv${host.family} address for actor '${host.actor}'`);
    return address;
  }

  /** Kills the probes and deletes the namespaces at once (Ctrl-C): nothing goes back to the pool. */
  abort(): Promise<void> {
    this.aborting = true;
    return this[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.disposing ??= (async () => {
      // A dispose may come while the lab starts (Ctrl-C): namespaces added or probes started after the
      // deletion would be left behind, so it waits for what is under way.
      const lease = await this.setup?.catch(() => undefined);
      await Promise.all(this.spawning.map((s) => s.catch(() => undefined)));
      if (lease) {
        const kept = await Promise.all(this.places.map((p) => this.putAway(p)));
        const all = kept.every((k) => k !== undefined) && this.places.length === this.spec.actors.length;
        const probes = lease.probes.map((list) => [...list]);
        kept.forEach((k, i) => k && probes[this.spec.namespaces.findIndex((n) => n.name === this.places[i]!.spec.netns)]!.push(k));
        await this.pool.giveBack(lease.set, probes, all && !this.aborting);
      }
      this.onDisposed();
    })();
    return this.disposing;
  }

  /** Recycles an actor's probe (a new worker with no socket, the same uid), or kills it; undefined when killed. */
  private async putAway(p: Place): Promise<IdleProbe | undefined> {
    if (p.recyclable && !this.aborting && !p.probe.session.isClosed) {
      const hello = await p.probe.session.recycle(RECYCLE_MS).catch(() => undefined);
      if (hello?.uid === p.spec.uid && typeof hello.pid === "number") return { uid: p.spec.uid, probe: p.probe, pid: hello.pid };
    }
    p.probe.kill();
    await p.probe.exited.catch(() => undefined);
    return undefined;
  }
}
