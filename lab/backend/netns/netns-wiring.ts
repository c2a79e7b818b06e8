/**
 * A lab's namespaces as the netns and vm backends make them: each namespace of the case is a netns with
 * a veth to a bridge that lives in a "switch" namespace of its own, so labs share no wire and no address
 * plan clash; nothing is added to the root namespace. Namespaces get IPv4 and IPv6 addresses, a route
 * for multicast and no default route: there is no way out of the lab.
 */
import type { NetnsSpec } from "../backend";
import { ipBatch, shellQuote } from "./netns-host";

const SUBNET4 = "10.214.0";
const SUBNET6 = "fd00:214::";

/** In a switch namespace: its bridge br0, up. */
export const BRIDGE_LINES = ["link add br0 type bridge", "link set br0 up"] as const;

/** In a switch namespace: veth `port` onto br0, its other end eth0 in namespace `peer` (a name, or a pid). */
export function vethLines(port: string, peer: string | number): string[] {
  return [`link add ${port} type veth peer name eth0 netns ${peer}`, `link set ${port} master br0 up`];
}

/** In a lab namespace, once its eth0 is there: lo and eth0 up, its two addresses (IPv6 without DAD), the multicast route. */
export function namespaceLines(ipv4: string, ipv6: string): string[] {
  return [
    "link set lo up",
    `addr add ${ipv4}/24 dev eth0`,
    `addr add ${ipv6}/64 dev eth0 nodad`,
    "link set eth0 up",
    // Multicast joins and sends need a route for the group; nothing else leaves the subnet.
    "route add 224.0.0.0/4 dev eth0",
  ];
}

/**
 * A set's wiring: in `switchNs` a bridge br0 with a veth pI per namespace, whose other end is eth0 in
 * namespace I, with lo and eth0 up, the two addresses (IPv6 without DAD), a route 224.0.0.0/4 dev eth0;
 * then the sysctls, each written inside its namespace.
 */
export interface Wiring {
  switchNs: string;
  namespaces: { name: string; ipv4: string; ipv6: string }[];
  sysctls: { netns: string; key: string; value: string }[];
}

export class NamespaceSet {
  /** The namespaces' names under /run/netns, by the index of the lab's namespace. */
  readonly names: string[];
  readonly switchNs: string;
  /** [IPv4, IPv6] of each namespace, by index. */
  readonly addresses: [string, string][];
  /** Sets with the same key are interchangeable: as many namespaces, with the same sysctls. */
  readonly key: string;

  /** `prefix` names every namespace of the set, so leftovers can be found (netns-backend.ts). */
  constructor(
    private readonly namespaces: readonly NetnsSpec[],
    prefix: string,
  ) {
    this.switchNs = `${prefix}-sw`;
    this.names = namespaces.map((_, i) => `${prefix}-${i}`);
    this.addresses = namespaces.map((_, i) => [`${SUBNET4}.${i + 2}`, `${SUBNET6}${(i + 2).toString(16)}`]);
    this.key = NamespaceSet.keyOf(namespaces);
  }

  static keyOf(namespaces: readonly NetnsSpec[]): string {
    return JSON.stringify(namespaces.map((ns) => Object.entries(ns.sysctls).sort(([a], [b]) => a.localeCompare(b))));
  }

  allNames(): string[] {
    return [this.switchNs, ...this.names];
  }

  /** What setupScript() does after its `netns add`, as data: for a host that wires natively (NetnsHost.wire). */
  wiring(): Wiring {
    return {
      switchNs: this.switchNs,
      namespaces: this.names.map((name, i) => ({
        name,
        ipv4: `${this.addresses[i]![0]}/24`,
        ipv6: `${this.addresses[i]![1]}/64`,
      })),
      sysctls: this.namespaces.flatMap((ns, i) =>
        Object.entries(ns.sysctls).map(([key, value]) => ({ netns: this.names[i]!, key, value })),
      ),
    };
  }

  /** The namespaces, the switch and its veths, addresses, routes and sysctls: one ip batch per namespace. */
  setupScript(): string {
    const sw = this.switchNs;
    const namespaces = this.namespaces.map((ns, i) => ({ ns, i, name: this.names[i]!, addr: this.addresses[i]! }));
    const parts = [
      ipBatch([`netns add ${sw}`, ...namespaces.map((n) => `netns add ${n.name}`)]),
      ipBatch([...BRIDGE_LINES, ...namespaces.flatMap((n) => vethLines(`p${n.i}`, n.name))], sw),
      ...namespaces.map((n) => ipBatch(namespaceLines(n.addr[0], n.addr[1]), n.name)),
      // /proc/sys/net shows the namespace of the process that opens it: write it from inside.
      ...namespaces
        .filter((n) => Object.keys(n.ns.sysctls).length)
        .map((n) => {
          const writes = Object.entries(n.ns.sysctls).map(
            ([k, v]) => `echo ${shellQuote(v)} > /proc/sys/${k.replace(/\./g, "/")}`,
          );
          return ["nsenter", `--net=/run/netns/${n.name}`, "--", "sh", "-c", writes.join("; ")]
            .map(shellQuote)
            .join(" ");
        }),
    ];
    return parts.join(" && ");
  }
}
