/**
 * Network namespaces kept between runs of the netns and vm backends, as the docker backend keeps its
 * holders (../docker/holder-pool.ts). Inside a guest under software emulation, making a lab's
 * namespaces (ip netns add, a bridge, veths, addresses), starting its probes and deleting it all again
 * is most of a run: ~1.9 s of a 2.1 s run on 6.12, where the steps take 0.2 s.
 *
 * In a guest the namespaces are made, wired, flushed and read by the agent's own requests (NetnsHost's
 * optional methods: no program started); on this machine by ip commands (script()).
 *
 * A set is a switch namespace and the lab's namespaces, wired and addressed (netns-wiring.ts); sets
 * whose namespaces have the same sysctls, in the same order, are interchangeable. When its run ends a
 * set comes back with its actors' probes recycled (a new worker, no socket, its uid checked), and it is
 * kept only when it is indistinguishable from a new one: no actor had a capability, every probe was
 * recycled, the kernel's per-namespace caches are flushed (TCP metrics, neighbours), and sockstat shows
 * no socket at all in any of its namespaces (nothing in use, no TIME_WAIT). Any other set is deleted.
 * In a guest the flush also destroys the TCP sockets no process holds (TIME_WAIT…) where the kernel
 * can (images/probe/agent_flush.c): under TCG a new set is most of a run, and 45 of the shipped
 * catalogue's 120 runs leave one. On this machine they are not destroyed: such a run's set is deleted.
 */
import { ignored } from "../../debug-log";
import { sameSockets, parseSockstat } from "../sockstat";
import { ipBatch, shellQuote, type NetnsHost, type ProbeProcess } from "./netns-host";
import type { NetnsSpec } from "../backend";
import { NamespaceSet } from "./netns-wiring";

/** A probe kept in its namespace between runs: its worker recycled, its uid checked. */
export interface IdleProbe {
  uid: number;
  probe: ProbeProcess;
  /** The worker's pid (where the namespace's sockstat is read). */
  pid: number;
}

/**
 * Idle sets kept, and idle probes across them. A guest has a probe port for each of these beside those
 * of the runs under way (guest-vm.ts). With 12 (and 30 ports), 6.12 made 35 sets for the shipped
 * catalogue, with 24 it makes 21–22.
 */
const MAX_IDLE_SETS = 4;
export const MAX_IDLE_PROBES = 24;

export class NetnsPool {
  private readonly idle: { set: NamespaceSet; probes: IdleProbe[][] }[] = [];
  private made = 0;
  /** Sets and probes made and reused: what the bench reports. */
  readonly counts = { setsMade: 0, setsReused: 0, probesMade: 0, probesReused: 0 };

  /** `prefix` names every namespace of the pool (leftovers are found by it); `keep` 0 keeps nothing. */
  constructor(
    private readonly host: NetnsHost,
    private readonly prefix: string,
    private readonly keep = MAX_IDLE_SETS,
  ) {}

  /** An idle set with the same sysctls and its idle probes, or a new set (made here; deleted if that fails). */
  async lease(namespaces: readonly NetnsSpec[]): Promise<{ set: NamespaceSet; probes: IdleProbe[][] }> {
    const key = NamespaceSet.keyOf(namespaces);
    for (let i; (i = this.idle.findIndex((s) => s.set.key === key)) >= 0;) {
      const idle = this.idle.splice(i, 1)[0]!;
      // Idle on a machine with other processes (netns backend), a socket one of them made in it since
      // is seen here, and the set is not used again. In a guest only the lab's processes run.
      if (!this.host.shared || (await this.empty(idle.set, idle.probes))) {
        this.counts.setsReused++;
        return idle;
      }
      await this.remove(idle);
    }
    const set = new NamespaceSet(namespaces, `${this.prefix}${++this.made}`);
    this.counts.setsMade++;
    try {
      const { addNamespaces, wire } = this.host;
      if (addNamespaces && wire) {
        await addNamespaces.call(this.host, set.allNames());
        await wire.call(this.host, set.wiring());
      } else await this.host.script(set.setupScript());
    } catch (e) {
      await this.remove({ set, probes: [] });
      throw e;
    }
    return { set, probes: namespaces.map(() => []) };
  }

  /**
   * Takes a set back after its run with its probes (per namespace, recycled): kept when `keep` and it
   * is indistinguishable from a new one, else deleted with them.
   */
  async giveBack(set: NamespaceSet, probes: IdleProbe[][], keep: boolean): Promise<void> {
    if (keep && this.keep > 0 && (await this.empty(set, probes))) {
      this.idle.push({ set, probes });
      while (this.idle.length > this.keep || this.idleProbes() > MAX_IDLE_PROBES) await this.remove(this.idle.shift()!);
      return;
    }
    await this.remove({ set, probes });
  }

  /** Deletes every idle set and its probes; also waits for each deletion already under way. */
  async drain(): Promise<void> {
    for (const s of this.idle.splice(0)) void this.remove(s);
    await Promise.all(this.removing);
  }

  /** Flushes what the kernel keeps per namespace (`flush`) and reads its sockets; true when none is left. */
  private async empty(set: NamespaceSet, probes: IdleProbe[][], flush = true): Promise<boolean> {
    if (probes.some((p) => !p.length)) return false; // no process in a namespace to read its sockets from
    let sockstats: string[];
    try {
      sockstats = await this.readSockstats(set, probes, flush);
    } catch (e) {
      ignored("netns/sockstat")(e);
      return false;
    }
    return sockstats.every((text) => {
      const counts = parseSockstat(text);
      const none = Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));
      return Object.keys(counts).length > 0 && sameSockets(counts, none);
    });
  }

  /** sockstat and sockstat6 of each namespace (read where its first probe runs), flushed first if `flush`. */
  private async readSockstats(set: NamespaceSet, probes: IdleProbe[][], flush: boolean): Promise<string[]> {
    const pids = probes.map((p) => p[0]!.pid);
    const host = this.host;
    if (host.flushNamespaces && host.sockstat) {
      if (flush) await host.flushNamespaces(set.names);
      return await host.sockstat(pids);
    }
    const lines = set.names.flatMap((name, i) => [
      ...(flush ? [ipBatch(["tcp_metrics flush all", "neigh flush all"], name)] : []),
      ...["sockstat", "sockstat6"].map(
        (f) =>
          `while IFS= read -r l; do printf '%s %s\\n' ${i} "$l"; done < ${shellQuote(`/proc/${pids[i]}/net/${f}`)}`,
      ),
    ]);
    const out = (await host.script(lines.join(" && "))).split("\n");
    return set.names.map((_, i) =>
      out
        .filter((l) => l.startsWith(`${i} `))
        .map((l) => l.slice(`${i} `.length))
        .join("\n"),
    );
  }

  private idleProbes(): number {
    return this.idle.reduce((n, s) => n + s.probes.flat().length, 0);
  }

  /** Deletions under way: a drain (Ctrl-C, the backend's end) waits for those it did not start too. */
  private readonly removing = new Set<Promise<void>>();

  private remove(s: { set: NamespaceSet; probes: IdleProbe[][] }): Promise<void> {
    const removal = this.removeNow(s).finally(() => this.removing.delete(removal));
    this.removing.add(removal);
    return removal;
  }

  private async removeNow(s: { set: NamespaceSet; probes: IdleProbe[][] }): Promise<void> {
    const probes = s.probes.flat();
    for (const p of probes) p.probe.kill();
    await Promise.all(probes.map((p) => p.probe.exited.catch(ignored("netns/teardown-exit"))));
    await this.removeNamespaces(s.set);
  }

  private async removeNamespaces(set: NamespaceSet): Promise<void> {
    if (this.host.deleteNamespaces) {
      const names = set.allNames();
      await this.host.deleteNamespaces(names).catch(ignored("netns/teardown"));
      return;
    }
    const del = () =>
      this.host.script(
        `${ipBatch(
          set.allNames().map((n) => `netns del ${n}`),
          undefined,
          true,
        )} 2>/dev/null; true`,
      );
    // The line ends with `true`: it fails only when its shell did not run, e.g. killed by the very
    // Ctrl-C being handled, in the moment after fork before it has a session of its own. Once more.
    await del().catch(del).catch(ignored("netns/teardown"));
  }
}
