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
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { ignored } from "../../debug-log";
import { systemEnv, systemTool } from "../../system-tools";
import { ipBatch, shellQuote } from "../netns/netns-host";

const run = promisify(execFile);

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

/** `script` under bash with pipefail, with the system's PATH; rejects with its output when it fails. */
async function shell(script: string): Promise<void> {
  await run(systemTool("bash", "bash"), ["-o", "pipefail", "-c", script], { env: systemEnv(), timeout: 10_000 });
}

export class SwitchNamespace {
  /** Indexes of holders joined, each its veth pI and its addresses .I. */
  private readonly used = new Set<number>();

  private constructor(readonly name: string) {}

  /** Makes namespace `name` with br0 up in it; deletes what it made if a step fails. */
  static async make(name: string): Promise<SwitchNamespace> {
    const ip = systemTool("ip", "iproute2");
    await run(ip, ["netns", "add", name], { env: systemEnv() });
    live.add(name);
    const sw = new SwitchNamespace(name);
    try {
      await shell(ipBatch(["link add br0 type bridge", "link set br0 up"], name));
    } catch (e) {
      await sw.remove();
      throw e;
    }
    return sw;
  }

  /**
   * Joins the namespace of process `pid` to the bridge: a veth whose other end is its eth0, lo and eth0
   * up, an IPv4 and an IPv6 address (no DAD), a route for multicast and no default route. Returns its
   * [IPv4, IPv6] and its index, to unplug it by when its holder is removed.
   */
  async join(pid: number): Promise<{ addresses: [string, string]; index: number }> {
    let index = FIRST;
    while (this.used.has(index)) index++;
    if (index > LAST) throw new Error(`the switch ${this.name} has no free address for another namespace`);
    this.used.add(index);
    const addresses: [string, string] = [`${SUBNET4}.${index}`, `${SUBNET6}${index.toString(16)}`];
    const ip = systemTool("ip", "iproute2");
    const nsenter = systemTool("nsenter", "util-linux");
    const lines = (l: readonly string[]) => `printf '%s\\n' ${l.map(shellQuote).join(" ")}`;
    const bridge = [`link add p${index} type veth peer name eth0 netns ${pid}`, `link set p${index} master br0 up`];
    const inside = [
      "link set lo up",
      `addr add ${addresses[0]}/24 dev eth0`,
      `addr add ${addresses[1]}/64 dev eth0 nodad`,
      "link set eth0 up",
      // Multicast joins and sends need a route for the group; nothing else leaves the subnet.
      "route add 224.0.0.0/4 dev eth0",
    ];
    try {
      await shell(
        `${lines(bridge)} | ${ip} -n ${this.name} -batch - && ` +
          `${lines(inside)} | ${nsenter} --net=/proc/${pid}/ns/net -- ${ip} -batch -`,
      );
    } catch (e) {
      const why = `could not join namespace of process ${pid} to ${this.name}: ${stderrOf(e)}`;
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
    await run(systemTool("ip", "iproute2"), ["-n", this.name, "link", "del", `p${index}`], { env: systemEnv() }).catch(
      (e: unknown) => {
        if (!/Cannot find device|does not exist/.test(stderrOf(e))) throw e;
      },
    );
    this.used.delete(index);
  }

  /** Deletes the switch namespace (and its bridge); a namespace already gone is not an error. */
  async remove(): Promise<void> {
    await run(systemTool("ip", "iproute2"), ["netns", "del", this.name], { env: systemEnv() }).catch((e: unknown) => {
      if (!/No such file/.test(stderrOf(e))) throw e;
    });
    live.delete(this.name);
  }
}

const stderrOf = (e: unknown) => ((e as { stderr?: string }).stderr || (e as Error).message).trim();
