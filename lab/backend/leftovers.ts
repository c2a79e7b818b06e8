/**
 * Everything killed runs left on this machine, of every backend: containers and networks labelled
 * reuselab.run (docker), network namespaces named rl-<pid>-… (netns), guest directories
 * reuselab-vm-<pid>-… in the temp folder with their QEMU (vm). Only objects whose runner process is
 * gone are removed; a run still going, here or in another terminal, keeps its own.
 */
import { findSystemTool } from "../system-tools";
import { removeLeftovers } from "./docker/cleanup";
import { connectEngine } from "./docker/engine";
import { removeLeftoverNamespaces } from "./netns/netns-backend";
import { removeLeftoverVms } from "./vm/guest-vm";

type Kind = "containers" | "networks" | "network namespaces" | "guest VMs";

export interface LeftoverReport {
  /** What was looked at, and how many of each were removed. */
  removed: Partial<Record<Kind, number>>;
  /** What could not be looked at, and why: none of it is known to be gone. */
  unchecked: string[];
}

export async function removeAllLeftovers(): Promise<LeftoverReport> {
  const report: LeftoverReport = { removed: {}, unchecked: [] };
  try {
    const { containers, networks } = await removeLeftovers(await connectEngine());
    Object.assign(report.removed, { containers, networks });
  } catch (e) {
    report.unchecked.push(`containers and networks: ${(e as Error).message}`);
  }
  if (process.getuid?.() !== 0) report.unchecked.push("network namespaces: only root can list and delete them");
  else if (!findSystemTool("ip"))
    report.unchecked.push(
      "network namespaces: 'ip' is not installed (Debian: iproute2), so there can be none of the lab's",
    );
  else report.removed["network namespaces"] = removeLeftoverNamespaces();
  report.removed["guest VMs"] = removeLeftoverVms();
  return report;
}
