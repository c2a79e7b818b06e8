/**
 * A /24 of its own for each hijack demo, so that demos run side by side (and beside the lab, whose
 * networks take 10.213.0.0/16). compose.yaml fixes the victim's address in it, because the client
 * has no resolver to find the victim by name.
 */
import type Docker from "dockerode";
import { LabError } from "../errors";

const POOL_PREFIX = "10.214"; // 10.214.0.0/24 … 10.214.255.0/24; compose.yaml's default is 10.214.0.0/24
const claimed = new Set<string>(); // by demos of this process whose networks may not exist yet

export interface DemoSubnet {
  subnet: string;
  /** The victim's fixed address in it. */
  victimIp: string;
  release(): void;
}

/** A /24 that no Docker network uses now; another process may still take it first (compose then fails on the overlap). */
export async function claimDemoSubnet(docker: Docker): Promise<DemoSubnet> {
  const used = new Set<string>(claimed);
  for (const n of await docker.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(c.Subnet);
  }
  const start = Math.floor(Math.random() * 256);
  for (let i = 0; i < 256; i++) {
    const n = (start + i) % 256;
    const subnet = `${POOL_PREFIX}.${n}.0/24`;
    if (used.has(subnet)) continue;
    claimed.add(subnet);
    return { subnet, victimIp: `${POOL_PREFIX}.${n}.10`, release: () => claimed.delete(subnet) };
  }
  throw new LabError("REUSELAB_NO_SUBNET", `no free /24 in ${POOL_PREFIX}.0.0/16 for a hijack demo network`);
}

/** Docker's refusal of a network whose subnet another one took meanwhile. */
export function isSubnetClash(e: unknown): boolean {
  return /overlap|in use/i.test(e instanceof Error ? e.message : String(e));
}
