/**
 * A docker slot's wire when the lab runs as root: a "switch" network namespace of its own with a bridge
 * br0, to which each holder's namespace is joined by a veth (its eth0), as the netns backend wires its
 * namespaces (../netns/netns-wiring.ts). The holder itself is made with no network (NetworkMode none):
 * Docker then does none of a lab network's per-container work (its endpoint, IPv6 set-up and embedded
 * resolver), about half of making a holder here (CPU 0.39 s against 0.20 s, and 360 ms against
 * 180 ms to make). The switch has no link to the host, so nothing of a lab can leave it at all.
 *
 * A holder's veth is deleted with it (unplug), even when some other program keeps its namespace alive
 * past its container. The switch is a name under /run/netns with this process's pid in it
 * (rl-<pid>-sw…), so a killed runner's switch is found and deleted by the next run or `reuselab clean`
 * (../netns/netns-backend.ts removeLeftoverNamespaces).
 */
import { execFileSync } from "node:child_process";
import { ignored } from "../../debug-log";
import { systemEnv, systemTool } from "../../system-tools";
import { hostScript } from "../netns/local-host";
import { ipBatch, shellQuote } from "../netns/netns-host";
import { BRIDGE_LINES, namespaceLines, vethLines } from "../netns/netns-wiring";

/**
 * The switches this process made and has not deleted: deleted when it exits, however it exits but
 * killed (a second Ctrl-C exits without waiting for the engine; the switches need none).
 */
const live = new Set<string>();
process.on("exit", () => {
  for (const name of live) {
    try {
      execFileSync(systemTool("ip", "iproute2"), ["netns", "del", name], { stdio: "ignore", env: systemEnv() });
    } catch (e) {
      ignored("docker/switch-at-exit")(e);
    }
  }
});

const SUBNET4 = "10.215.0";
const SUBNET6 = "fd00:215::";
/** Holder addresses .2 to .254 of the switch's /24. */
const FIRST = 2;
const LAST = 254;

export class SwitchNamespace {
  /** Indexes of holders joined, each its veth pI and its addresses .I. */
  private readonly used = new Set<number>();

  private constructor(readonly name: string) {}

  /** Makes namespace `name` with br0 up in it; deletes what it made if a step fails. */
  static async make(name: string): Promise<SwitchNamespace> {
    const sw = new SwitchNamespace(name);
    live.add(name);
    try {
      await hostScript(`ip netns add ${shellQuote(name)} && ${ipBatch(BRIDGE_LINES, name)}`);
    } catch (e) {
      await sw.remove();
      throw e;
    }
    return sw;
  }

  /**
   * Joins the namespace of process `pid` to the bridge as the netns backend wires its namespaces: a
   * veth whose other end is its eth0, lo and eth0 up, an IPv4 and an IPv6 address (no DAD), a route
   * for multicast and no default route. Returns its [IPv4, IPv6] and its index, to unplug it by when
   * its holder is removed.
   */
  async join(pid: number): Promise<{ addresses: [string, string]; index: number }> {
    let index = FIRST;
    while (this.used.has(index)) index++;
    if (index > LAST) throw new Error(`the switch ${this.name} has no free address for another namespace`);
    this.used.add(index);
    const addresses: [string, string] = [`${SUBNET4}.${index}`, `${SUBNET6}${index.toString(16)}`];
    try {
      await hostScript(
        `${ipBatch(vethLines(`p${index}`, pid), this.name)} && ` +
          ipBatch(namespaceLines(...addresses), `/proc/${pid}/ns/net`),
      );
    } catch (e) {
      const why = `could not join namespace of process ${pid} to ${this.name}: ${(e as Error).message}`;
      await this.unplug(index).catch(ignored("docker/unplug-half-joined"));
      throw new Error(why);
    }
    return { addresses, index };
  }

  /**
   * Unplugs holder `index` from the switch and gives its index back: its veth is deleted, both ends.
   * Done whenever a holder is removed: its namespace may outlive its container (a process of another
   * program in it), and must not stay on the wire. A veth already gone is not an error.
   */
  async unplug(index: number): Promise<void> {
    await hostScript(`ip -n ${shellQuote(this.name)} link del p${index}`).catch((e: unknown) => {
      if (!/Cannot find device|does not exist/.test((e as Error).message)) throw e;
    });
    this.used.delete(index);
  }

  /** Deletes the switch namespace (and its bridge); a namespace already gone is not an error. */
  async remove(): Promise<void> {
    await hostScript(`ip netns del ${shellQuote(this.name)}`).catch((e: unknown) => {
      if (!/No such file/.test((e as Error).message)) throw e;
    });
    live.delete(this.name);
  }
}
