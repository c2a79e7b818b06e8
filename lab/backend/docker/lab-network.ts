/**
 * A lab network: a bridge with explicit IPv4 and IPv6 subnets and no IP masquerading, so containers
 * reach each other (multicast included) but nothing is translated out of the host. --internal is not
 * used: its isolation rules drop multicast between containers.
 */
import { ignored } from "../../debug-log";
import { LabError } from "../../errors";
import type Docker from "dockerode";

const POOL_PREFIX = "10.213"; // 256 /24 networks: 10.213.0.0/24 … 10.213.255.0/24
const POOL6_PREFIX = "fd00:213"; // with each, a unique-local /64: fd00:213:N::/64
/** Every lab network lies in these ranges; the egress guard keeps their traffic inside them. */
export const LAB_RANGES = { v4: `${POOL_PREFIX}.0.0/16`, v6: `${POOL6_PREFIX}::/32` } as const;
const claimed = new Set<string>();

export interface LabNetwork {
  id: string;
  name: string;
  subnet: string;
  subnet6: string;
  remove(): Promise<void>;
}

export async function createLabNetwork(
  docker: Docker,
  name: string,
  labels: Record<string, string>,
): Promise<LabNetwork> {
  const used = new Set<string>(claimed);
  for (const n of await docker.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(c.Subnet);
  }
  const start = Math.floor(Math.random() * 256);
  let lastError: unknown;
  for (let i = 0; i < 256; i++) {
    const n = (start + i) % 256;
    const subnet = `${POOL_PREFIX}.${n}.0/24`;
    const subnet6 = `${POOL6_PREFIX}:${n.toString(16)}::/64`;
    if (used.has(subnet) || used.has(subnet6)) continue;
    claimed.add(subnet);
    try {
      const net = await docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: labels,
        EnableIPv6: true,
        IPAM: { Driver: "default", Config: [{ Subnet: subnet }, { Subnet: subnet6 }] },
        Options: {
          "com.docker.network.bridge.enable_ip_masquerade": "false",
          "com.docker.network.bridge.enable_icc": "true",
        },
      });
      return {
        id: net.id,
        name,
        subnet,
        subnet6,
        remove: async () => {
          claimed.delete(subnet);
          await net.remove().catch(ignored("docker/remove-network"));
        },
      };
    } catch (e) {
      claimed.delete(subnet);
      lastError = e;
      if (!/overlap|conflict|in use/i.test(String((e as Error).message))) throw e;
    }
  }
  throw new LabError(
    "REUSELAB_NO_SUBNET",
    `no free /24 in ${POOL_PREFIX}.0.0/16 for a lab network (${String(lastError)})`,
  );
}
