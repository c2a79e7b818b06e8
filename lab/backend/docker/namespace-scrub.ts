/**
 * Proves a network namespace empty, so that another run may use it. When a run's actors are gone,
 * their sockets are closed, but the kernel keeps some on its own: TIME_WAIT, the orphans of an
 * unfinished close (FIN_WAIT, LAST_ACK), and per-namespace caches (TCP metrics, neighbours). This
 * destroys them (SOCK_DESTROY, as `ss -K` does: the kernel's tcp_abort() drops TIME_WAIT too) and then
 * counts the namespace's sockets: any more than it had when it was made (Docker's own resolver on
 * 127.0.0.11) means "not empty". The counts come from /proc/PID/net/sockstat{,6}, per namespace and
 * in constant time; the socket tables (/proc/net/tcp) walk the kernel's whole hash table each read.
 * Root only: the host enters the holder's namespace, the containers never gain a capability for it.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

const SCRUB = "ss -K -n -t state connected >/dev/null && ip tcp_metrics flush all && ip neigh flush all";
/** The per-namespace counters of sockstat (orphan, alloc and mem are the whole host's). */
const COUNTED = /^(TCP6?|UDP6?|UDPLITE6?|RAW6?): inuse (\d+)(?: orphan \d+ tw (\d+))?/;

/** The sockets of the namespace of process `pid`: "TCP" (in use), "TCP tw" (TIME_WAIT), "UDP6", … */
export function socketCounts(pid: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of ["sockstat", "sockstat6"]) {
    for (const line of readFileSync(`/proc/${pid}/net/${file}`, "utf8").split("\n")) {
      const m = COUNTED.exec(line);
      if (!m) continue;
      counts[m[1]!] = Number(m[2]);
      if (m[3] !== undefined) counts[`${m[1]} tw`] = Number(m[3]);
    }
  }
  return counts;
}

/** True when the namespace of `pid` has exactly the sockets it had when it was made (`baseline`). */
export function holdsOnly(pid: number, baseline: Readonly<Record<string, number>>): boolean {
  try {
    const now = socketCounts(pid);
    const keys = new Set([...Object.keys(now), ...Object.keys(baseline)]);
    return [...keys].every((k) => now[k] === baseline[k]);
  } catch {
    return false; // its holder is gone
  }
}

/** Empties the namespace of `pid` of what the kernel kept; true when it is back to `baseline`. */
export async function scrubNamespace(pid: number, baseline: Readonly<Record<string, number>>): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await run("nsenter", [`--net=/proc/${pid}/ns/net`, "--", "sh", "-c", SCRUB], { timeout: 5000 });
    return holdsOnly(pid, baseline);
  } catch {
    return false;
  }
}
