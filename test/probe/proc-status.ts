// How the kernel holds a process, read from the host: what the probe's own hello says is checked
// against it (init-as.test.ts, docker-reuse.test.ts).
import { readFileSync } from "node:fs";

/** The one process whose parent is `parent` (an init's worker), by the kernel's list. */
export function onlyChild(parent: number): number {
  const kids = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  if (kids.length !== 1) throw new Error(`process ${parent} has ${kids.length} children, not one`);
  return Number(kids[0]);
}

/** The fields of /proc/PID/status, by name ("Uid": "1000\t1000\t1000\t1000", "CapEff": "0000…"). */
export function procStatus(pid: number): Record<string, string> {
  const lines = readFileSync(`/proc/${pid}/status`, "utf8").split("\n");
  return Object.fromEntries(
    lines.filter((l) => l.includes(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
}
