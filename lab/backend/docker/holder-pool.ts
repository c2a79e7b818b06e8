/**
 * Network namespaces kept between runs. On the docker backend a namespace is a "hold" container, and
 * making one is the largest part of a run (~0.25 s of CPU to make and remove on a switch, ~0.5 s on a
 * lab network). A run leases a slot: a wire that is its own while it runs, so runs in parallel never
 * share a bridge (multicast would cross), and idle holders of the slot; it makes whatever is missing.
 * As root a slot's wire is a switch namespace of the lab's (switch-namespace.ts) and its holders have
 * no Docker network; otherwise it is a Docker lab network (lab-network.ts). The run's sysctls are
 * written into its holders' namespaces for the run and put back afterwards (namespace-sysctls.ts), so
 * any holder serves any run. When the
 * run's actors are gone, each holder is scrubbed and proven empty (namespace-scrub.ts) before it
 * waits for another run. A holder that cannot be proven empty, or in which an actor had a capability
 * that changes a namespace (../namespace-caps.ts), is removed instead: only a namespace
 * indistinguishable from a new one is used again. A holder also keeps its actors' containers,
 * recycled (docker-backend.ts), and removes them with itself; so a namespace a run will change is
 * one that keeps none (bareHolder).
 */
import type Docker from "dockerode";
import { ignored } from "../../debug-log";
import type { ProbeSession } from "../../probe/probe-session";
import type { ActorSpec, NetnsSpec } from "../backend";
import { changesNamespace } from "../namespace-caps";
import { LabContainer } from "./lab-container";
import type { HostAgent } from "./host-agent";
import { createLabNetwork, type LabNetwork } from "./lab-network";
import { SwitchNamespace } from "./switch-namespace";
import { holdsOnly, scrubNamespace, socketCounts } from "./namespace-scrub";
import { restoreNamespace, tuneNamespace } from "./namespace-sysctls";

/** Docker turns IPv6 off inside containers on this engine; the lab's namespaces have it, loopback included. */
const IPV6_ON = {
  "net.ipv6.conf.all.disable_ipv6": "0",
  "net.ipv6.conf.default.disable_ipv6": "0",
  "net.ipv6.conf.lo.disable_ipv6": "0",
};
/**
 * Idle holders a slot keeps, and idle actors a holder keeps. Making containers is most of a docker
 * run's cost: to make and remove, an actor's takes ~160 ms of CPU here and a holder's ~475 ms (the
 * engine's network set-up), while an idle one costs its probe and its runtime shim (~2.5 MB). The
 * shipped catalogue made 121 actor containers with 4 and 4 and the first idle holder taken, 52 with 6
 * and 8 and the holder chosen by its containers' uids (bestHolder); 12 a holder made no difference.
 */
const IDLE_PER_SLOT = 6;
export const IDLE_PER_HOLDER = 8;

/** An actor's container between runs: its probe recycled (a new worker, no socket), its uid its own. */
export interface IdleActor {
  id: string;
  uid: number;
  probe: ProbeSession;
}

export interface Holder {
  id: string;
  pid: number;
  /** The values the leasing run's sysctls replaced, put back when it gives the holder back. */
  tuned: Record<string, string>;
  /** Its addresses on the slot's network: [IPv4, IPv6]. */
  addresses: [string, string];
  /** Its sockets when it was made (Docker's resolver), by kind: what "empty" means for it. */
  baseline: Record<string, number>;
  /** Actor containers in this namespace waiting for a run: only an empty namespace keeps them. */
  idle: IdleActor[];
  /** Takes its namespace off the slot's switch (its veth deleted), before its container is removed. */
  unplug: () => Promise<void>;
}

/**
 * A slot's wire: as root a switch namespace of the lab's own (switch-namespace.ts), its holders made
 * with no network and joined to it; otherwise a Docker lab network, its holders made on it.
 */
type Wire = LabNetwork | SwitchNamespace;

interface Slot {
  wire: Promise<Wire>;
  idle: Holder[];
  busy: boolean;
}

export interface Lease {
  holders: Map<string, Holder>;
  /** Gives the holders back once the run's actors are removed; those of `dirty` namespaces are removed. */
  release(dirty: ReadonlySet<string>): Promise<void>;
}

export class HolderPool {
  private readonly slots: Slot[] = [];
  private slotsMade = 0;
  /** Containers made and taken from the idle ones, holders and actors: what the bench reports. */
  readonly counts = { holdersMade: 0, holdersReused: 0, actorsMade: 0, actorsReused: 0 };

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly name: string,
    private readonly labels: Record<string, string>,
    /**
     * The host's probe agent that scrubs a namespace (root only): without it no holder is kept, and
     * slots are Docker lab networks.
     */
    private readonly agent?: HostAgent,
    /** Begins the name of each slot's switch namespace (root): leftovers.ts finds a dead runner's by it. */
    private readonly switchPrefix = "",
  ) {}

  /**
   * A slot and a holder for each namespace, with the namespace's sysctls written in; what fails half-way
   * is removed before this throws. Of a slot's idle holders, the one whose idle containers serve most of
   * the actors that will live there (`actors`: their uids, the ones without a capability) is taken.
   */
  async lease(namespaces: readonly NetnsSpec[], actors: readonly ActorSpec[]): Promise<Lease> {
    const slot = this.slots.find((s) => !s.busy) ?? this.newSlot();
    slot.busy = true;
    const holders = new Map<string, Holder>();
    const release = async (dirty: ReadonlySet<string>) => {
      await Promise.all([...holders].map(([ns, h]) => this.giveBack(slot, h, dirty.has(ns))));
      slot.busy = false;
    };
    try {
      const wire = await slot.wire;
      for (const ns of namespaces) {
        const living = actors.filter((a) => a.netns === ns.name);
        const uids = living.filter((a) => a.caps.length === 0).map((a) => a.uid);
        const spent = living.some((a) => changesNamespace(a.caps));
        for (let h; (h = spent ? bareHolder(slot.idle) : bestHolder(slot.idle, uids));) {
          slot.idle.splice(slot.idle.indexOf(h), 1);
          // Still empty? Something may have come in while it was idle (or its holder be gone).
          if (holdsOnly(h.pid, h.baseline)) {
            holders.set(ns.name, h);
            this.counts.holdersReused++;
            break;
          }
          void this.remove(h);
        }
      }
      const missing = namespaces.filter((ns) => !holders.has(ns.name));
      // Only root enters a namespace: another user's holders get their sysctls from Docker, and serve
      // one run (nor can it scrub them).
      const root = process.getuid?.() === 0;
      await Promise.all(
        missing.map(async (ns) => holders.set(ns.name, await this.makeHolder(wire, root ? {} : ns.sysctls))),
      );
      if (root)
        await Promise.all(
          namespaces.map(async (ns) => {
            const h = holders.get(ns.name)!;
            h.tuned = await tuneNamespace(h.pid, ns.sysctls);
          }),
        );
      return { holders, release };
    } catch (e) {
      await release(new Set(holders.keys()));
      throw e;
    }
  }

  private newSlot(): Slot {
    const n = this.slotsMade++;
    const slot: Slot = {
      wire: this.agent
        ? SwitchNamespace.make(`${this.switchPrefix}${n}`)
        : createLabNetwork(this.docker, `${this.name}-${n}`, this.labels),
      idle: [],
      busy: false,
    };
    slot.wire.catch(() => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    });
    this.slots.push(slot);
    return slot;
  }

  private async makeHolder(wire: Wire, sysctls: Readonly<Record<string, string>>): Promise<Holder> {
    const joined = wire instanceof SwitchNamespace;
    const c = new LabContainer(this.image, this.labels)
      .withCommand(["hold"])
      .withNetworkMode(joined ? "none" : wire.name)
      .withSysctls({ ...IPV6_ON, ...sysctls });
    const started = await c.start();
    this.counts.holdersMade++;
    const info = await this.docker.getContainer(started.getId()).inspect();
    const pid = info.State.Pid;
    const holder: Holder = {
      id: started.getId(),
      pid,
      tuned: {},
      addresses: ["", ""],
      baseline: {},
      idle: [],
      unplug: () => Promise.resolve(),
    };
    if (joined) {
      const { addresses, index } = await wire.join(pid).catch(async (e: unknown) => {
        await this.remove(holder);
        throw e;
      });
      holder.addresses = addresses;
      holder.unplug = () => wire.unplug(index);
    } else {
      const net = info.NetworkSettings.Networks[wire.name];
      holder.addresses = [net?.IPAddress ?? "", net?.GlobalIPv6Address ?? ""];
    }
    holder.baseline = socketCounts(pid);
    return holder;
  }

  private async giveBack(slot: Slot, h: Holder, dirty: boolean): Promise<void> {
    const clean =
      !dirty &&
      slot.idle.length < IDLE_PER_SLOT &&
      (await restoreNamespace(h.pid, h.tuned)) &&
      (await scrubNamespace(this.agent, h.pid, h.baseline));
    h.tuned = {};
    if (clean) {
      slot.idle.push(h);
      return;
    }
    await this.remove(h);
  }

  private async remove(h: Holder): Promise<void> {
    await h.unplug().catch(ignored("docker/unplug-holder"));
    await Promise.all(
      h.idle
        .splice(0)
        .map((a) => this.docker.getContainer(a.id).remove({ force: true }).catch(ignored("docker/remove-idle-actor"))),
    );
    await this.docker.getContainer(h.id).remove({ force: true }).catch(ignored("docker/remove-holder"));
  }

  /** Removes every idle holder, then every slot's wire (whatever a lease still holds is removed by label). */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.slots.flatMap((s) => s.idle.splice(0)).map((h) => this.remove(h)));
    await this.removeWires();
  }

  /**
   * Removes every slot's wire: its switch namespace, or its Docker network. After Ctrl-C the holders
   * are removed by label (docker-backend.ts), and this takes the switches, which carry no label.
   */
  async removeWires(): Promise<void> {
    const slots = this.slots.splice(0);
    // A wire that could not be made failed its lease already.
    await Promise.all(slots.map(async (s) => (await s.wire.catch(ignored("docker/unmade-wire")))?.remove()));
  }
}

/**
 * For a namespace the run will change (a capability: ../namespace-caps.ts), removed afterwards with
 * whatever containers it keeps: an idle holder that keeps none, or none (a new one is made).
 */
export function bareHolder(idle: readonly Holder[]): Holder | undefined {
  return idle.find((h) => h.idle.length === 0);
}

/**
 * Of the idle holders, the one whose idle containers serve most of the actors of `uids` (any idle
 * container serves any uid: docker-lab.ts), and of those the one whose workers already run as most of
 * them (a worker of another uid is recycled as the actor's first); the first of equals.
 */
export function bestHolder(idle: readonly Holder[], uids: readonly number[]): Holder | undefined {
  let best: Holder | undefined;
  let bestScore = -1;
  for (const h of idle) {
    const free = h.idle.map((a) => a.uid);
    const same = uids.filter((u) => {
      const i = free.indexOf(u);
      return i >= 0 && free.splice(i, 1).length > 0;
    }).length;
    const score = Math.min(h.idle.length, uids.length) * (uids.length + 1) + same;
    if (score > bestScore) [best, bestScore] = [h, score];
  }
  return best;
}
