/**
 * One lab in network namespaces: each namespace of the case is a netns with a veth to a bridge that
 * lives in a "switch" namespace of its own, so labs share no wire and no address plan clash; nothing
 * is added to the root namespace. Namespaces get IPv4 and IPv6 addresses, a route for multicast and
 * no default route: there is no way out of the lab.
 */
import { LabError } from "../../errors";
import type { Host } from "../../steps/grammar";
import type { ActorRuntime } from "../../steps/actor-runtime";
import type { LabSpec, StartedLab } from "../backend";
import { ProbeActor } from "../probe-actor";
import { ipBatch, shellQuote, type NetnsHost, type ProbeProcess } from "./netns-host";

const SUBNET4 = "10.214.0";
const SUBNET6 = "fd00:214::";

export class NetnsLab implements StartedLab {
  private readonly names = new Map<string, string>();
  private readonly addresses = new Map<string, [string, string]>();
  private readonly probes: ProbeProcess[] = [];
  private readonly actors = new Map<string, ProbeActor>();
  private readonly switchNs: string;
  /** The setup script, and each probe being started: a dispose waits for them, so nothing is made after it. */
  private setup?: Promise<unknown>;
  private readonly spawning: Promise<unknown>[] = [];
  private disposing?: Promise<void>;

  /** `prefix` names every namespace of the lab, so leftovers can be found (netns-backend.ts). */
  constructor(
    private readonly host: NetnsHost,
    private readonly spec: LabSpec,
    prefix: string,
    private readonly onDisposed: () => void = () => undefined,
  ) {
    this.switchNs = `${prefix}-sw`;
    spec.namespaces.forEach((ns, i) => {
      this.names.set(ns.name, `${prefix}-${i}`);
      this.addresses.set(ns.name, [`${SUBNET4}.${i + 2}`, `${SUBNET6}${(i + 2).toString(16)}`]);
    });
  }

  /** Makes the namespaces and starts the actors; a dispose (Ctrl-C) meanwhile ends it with REUSELAB_INTERRUPTED. */
  async start(): Promise<void> {
    this.setup = this.host.script(this.setupScript());
    await this.setup;
    await Promise.all(
      this.spec.actors.map(async (a) => {
        const label = `${a.name} (${this.spec.runId})`;
        if (this.disposing) throw new LabError("REUSELAB_INTERRUPTED", `${label}: the lab was removed while it started`);
        const spawning = this.host.spawnProbe({ netns: this.names.get(a.netns)!, uid: a.uid, caps: a.caps, label });
        this.spawning.push(spawning);
        const p = await spawning;
        this.probes.push(p);
        this.actors.set(a.name, new ProbeActor(a.name, p.session, () => p.exited, (h) => this.resolve(h)));
        const hello = await p.session.call(["hello"]);
        if (hello.uid !== a.uid) throw new Error(`${label} runs as uid ${String(hello.uid)}, not ${a.uid}`);
      }),
    );
  }

  /** The namespaces, the switch and its veths, addresses, routes and sysctls: one ip batch per namespace. */
  private setupScript(): string {
    const sw = this.switchNs;
    const namespaces = this.spec.namespaces.map((ns, i) => ({ ns, i, name: this.names.get(ns.name)!, addr: this.addresses.get(ns.name)! }));
    const parts = [
      ipBatch([`netns add ${sw}`, ...namespaces.map((n) => `netns add ${n.name}`)]),
      ipBatch([
        "link add br0 type bridge",
        "link set br0 up",
        ...namespaces.flatMap((n) => [`link add p${n.i} type veth peer name eth0 netns ${n.name}`, `link set p${n.i} master br0 up`]),
      ], sw),
      ...namespaces.map((n) =>
        ipBatch([
          "link set lo up",
          `addr add ${n.addr[0]}/24 dev eth0`,
          `addr add ${n.addr[1]}/64 dev eth0 nodad`,
          "link set eth0 up",
          // Multicast joins and sends need a route for the group; nothing else leaves the subnet.
          "route add 224.0.0.0/4 dev eth0",
        ], n.name),
      ),
      // /proc/sys/net shows the namespace of the process that opens it: write it from inside.
      ...namespaces
        .filter((n) => Object.keys(n.ns.sysctls).length)
        .map((n) => {
          const writes = Object.entries(n.ns.sysctls).map(([k, v]) => `echo ${shellQuote(v)} > /proc/sys/${k.replace(/\./g, "/")}`);
          return ["nsenter", `--net=/run/netns/${n.name}`, "--", "sh", "-c", writes.join("; ")].map(shellQuote).join(" ");
        }),
    ];
    return parts.join(" && ");
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
      // A dispose may come while the lab starts (Ctrl-C): namespaces added or probes started after the
      // deletion would be left behind, so it waits for what is under way. Setup is a few ip commands.
      await this.setup?.catch(() => undefined);
      await Promise.all(this.spawning.map((s) => s.catch(() => undefined)));
      for (const p of this.probes) p.kill();
      await Promise.all(this.probes.map((p) => p.exited.catch(() => undefined)));
      const all = [this.switchNs, ...this.names.values()];
      const remove = () => this.host.script(`${ipBatch(all.map((n) => `netns del ${n}`), undefined, true)} 2>/dev/null; true`);
      // The line ends with `true`: it fails only when its shell did not run, e.g. killed by the very
      // Ctrl-C being handled, in the moment after fork before it has a session of its own. Once more.
      await remove().catch(remove).catch(() => undefined);
      this.onDisposed();
    })();
    return this.disposing;
  }
}
