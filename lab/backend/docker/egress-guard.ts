/**
 * The egress guard: lab networks must have no route out of the host. Docker gives every bridge a
 * gateway and the host forwards (ip_forward=1, and IPv6 forwarding once a network has IPv6), so
 * without masquerading a lab packet to a foreign address would still be routed out, untranslated.
 * This nftables table drops, on the host's forward hook, whatever comes from the lab ranges and is
 * not for them (multicast aside: it never leaves the bridge, the host routes no multicast), and
 * whatever is for them from elsewhere. Traffic between a lab's containers is untouched.
 *
 * The table is reuselab's own (`inet reuselab_guard`) and replaced atomically, so installing it
 * again is harmless; it only matches the lab's ranges, so it stays in place between runs.
 */
import { spawnSync } from "node:child_process";
import { LabError } from "../../errors";
import { findSystemTool } from "../../system-tools";
import { LAB_RANGES } from "./lab-network";

export const GUARD_TABLE = "reuselab_guard";

export function guardRules(): string {
  const { v4, v6 } = LAB_RANGES;
  return `table inet ${GUARD_TABLE}
delete table inet ${GUARD_TABLE}
table inet ${GUARD_TABLE} {
  chain forward {
    type filter hook forward priority -10; policy accept;
    ip saddr ${v4} ip daddr != { ${v4}, 224.0.0.0/4 } counter drop comment "a lab packet to a foreign address"
    ip daddr ${v4} ip saddr != ${v4} counter drop comment "a foreign packet into a lab network"
    ip6 saddr ${v6} ip6 daddr != { ${v6}, ff00::/8 } counter drop comment "a lab packet to a foreign address"
    ip6 daddr ${v6} ip6 saddr != ${v6} counter drop comment "a foreign packet into a lab network"
  }
}
`;
}

/** nftables' own nft: the system's (an npm package's `nft` is a file tracer that answers "nft -f -" with 0). */
export function nftBinary(): string | undefined {
  return findSystemTool("nft");
}

/** Installs (or refreshes) the guard and checks it is in place. Root only: without it no lab network is made. */
export function ensureEgressGuard(): void {
  const bin = nftBinary();
  const nft = bin ? spawnSync(bin, ["-f", "-"], { input: guardRules(), encoding: "utf8" }) : undefined;
  const listed =
    bin && nft?.status === 0 ? spawnSync(bin, ["list", "table", "inet", GUARD_TABLE], { encoding: "utf8" }) : undefined;
  if (!nft || nft.error || nft.status !== 0 || !listed?.stdout.includes("chain forward")) {
    const why = !nft
      ? "nft is not installed"
      : nft.error
        ? `nft could not run (${nft.error.message})`
        : `nft said: ${(nft.stderr || listed?.stderr || "").trim()}`;
    const fix =
      process.getuid?.() === 0
        ? "install nftables ('apt-get install nftables', or run 'bash lab/bootstrap/bootstrap.sh')"
        : "run the lab as root";
    throw new LabError(
      "REUSELAB_NO_EGRESS_GUARD",
      `cannot keep lab networks from routing out of the host: ${why}. The docker backend needs its nftables guard: ${fix}.`,
    );
  }
}
