/**
 * Proves a network namespace empty, so that another run may use it. When a run's actors are gone,
 * their sockets are closed, but the kernel keeps some on its own: TIME_WAIT, the orphans of an
 * unfinished close (FIN_WAIT, LAST_ACK), and per-namespace caches (TCP metrics, neighbours). This
 * destroys them (SOCK_DESTROY, as `ss -K` does: the kernel's tcp_abort() drops TIME_WAIT too) and then
 * reads the namespace's socket tables: anything left but Docker's own resolver means "not empty".
 * Root only: the host enters the holder's namespace, the containers never gain a capability for it.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

const SCRUB = "ss -K -n -t state connected >/dev/null && ip tcp_metrics flush all && ip neigh flush all";
const TABLES = ["tcp", "tcp6", "udp", "udp6", "raw", "raw6"] as const;
/** Docker's embedded DNS resolver listens on 127.0.0.11 in every namespace of a user-defined network. */
const RESOLVER_V4 = "0B00007F";

/** Sockets left in the namespace of process `pid`, as "table local-address state" lines; [] when empty. */
export function socketsLeft(pid: number): string[] {
  const left: string[] = [];
  for (const table of TABLES) {
    const rows = readFileSync(`/proc/${pid}/net/${table}`, "utf8").trim().split("\n").slice(1);
    for (const row of rows) {
      const [, local = "", , state = ""] = row.trim().split(/\s+/);
      if (!local.startsWith(`${RESOLVER_V4}:`)) left.push(`${table} ${local} ${state}`);
    }
  }
  return left;
}

/** Empties the namespace of `pid` of what the kernel kept; true when nothing is left in it. */
export async function scrubNamespace(pid: number): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await run("nsenter", [`--net=/proc/${pid}/ns/net`, "--", "sh", "-c", SCRUB], { timeout: 5000 });
    return socketsLeft(pid).length === 0;
  } catch {
    return false;
  }
}
