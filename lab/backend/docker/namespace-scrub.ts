/**
 * Proves a network namespace empty, so that another run may use it. When a run's actors are gone,
 * their sockets are closed, but the kernel keeps some on its own: TIME_WAIT, the orphans of an
 * unfinished close (FIN_WAIT, LAST_ACK), and per-namespace caches (TCP metrics, neighbours). The
 * host's probe agent destroys them (host-agent.ts: SOCK_DESTROY, as `ss -K` does, and the kernel's
 * tcp_abort() drops TIME_WAIT too), and then the namespace's sockets are counted (../sockstat.ts):
 * any more than it had when it was made (Docker's own resolver on 127.0.0.11) means "not empty".
 * Root only: the agent enters the holder's namespace, the containers never gain a capability for it.
 */
import { ignored } from "../../debug-log";
import { readFileSync } from "node:fs";
import { parseSockstat, sameSockets } from "../sockstat";
import type { HostAgent } from "./host-agent";

/** The sockets of the namespace of process `pid`: "TCP" (in use), "TCP tw" (TIME_WAIT), "UDP6", … */
export function socketCounts(pid: number): Record<string, number> {
  return parseSockstat(["sockstat", "sockstat6"].map((f) => readFileSync(`/proc/${pid}/net/${f}`, "utf8")).join("\n"));
}

/** True when the namespace of `pid` has exactly the sockets it had when it was made (`baseline`). */
export function holdsOnly(pid: number, baseline: Readonly<Record<string, number>>): boolean {
  try {
    return sameSockets(socketCounts(pid), baseline);
  } catch (e) {
    ignored("docker/holder-gone")(e);
    return false; // its holder is gone
  }
}

/**
 * Empties the namespace of `pid` of what the kernel kept; true when it is back to `baseline`. Without
 * an agent (not root) a namespace cannot be scrubbed: false.
 */
export async function scrubNamespace(
  agent: HostAgent | undefined,
  pid: number,
  baseline: Readonly<Record<string, number>>,
): Promise<boolean> {
  if (!agent) return false;
  try {
    await agent.flushPids([pid]);
    return holdsOnly(pid, baseline);
  } catch (e) {
    ignored("docker/scrub")(e);
    return false;
  }
}
