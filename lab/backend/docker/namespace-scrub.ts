/**
 * Proves a network namespace empty, so that another run may use it. When a run's actors are gone,
 * their sockets are closed, but the kernel keeps some on its own: TIME_WAIT, the orphans of an
 * unfinished close (FIN_WAIT, LAST_ACK), and per-namespace caches (TCP metrics, neighbours). This
 * destroys them (SOCK_DESTROY, as `ss -K` does: the kernel's tcp_abort() drops TIME_WAIT too) and then
 * counts the namespace's sockets (../sockstat.ts): any more than it had when it was made (Docker's own
 * resolver on 127.0.0.11) means "not empty".
 * Root only: the host enters the holder's namespace, the containers never gain a capability for it.
 */
import { ignored } from "../../debug-log";
import { readFileSync } from "node:fs";
import { parseSockstat, sameSockets } from "../sockstat";
import { inNamespace } from "./namespace-shell";

const SCRUB = "ss -K -n -t state connected >/dev/null && ip tcp_metrics flush all && ip neigh flush all";

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

/** Empties the namespace of `pid` of what the kernel kept; true when it is back to `baseline`. */
export async function scrubNamespace(pid: number, baseline: Readonly<Record<string, number>>): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await inNamespace(pid, SCRUB);
    return holdsOnly(pid, baseline);
  } catch (e) {
    ignored("docker/scrub")(e);
    return false;
  }
}
