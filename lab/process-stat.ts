/**
 * What /proc says of a process: the lab's runners are told apart by pid and start time (pids are
 * reused), by the docker, netns and vm backends' leftover removal and by the CLI's launcher watch.
 */
import { readFileSync } from "node:fs";
import { debugLog } from "./debug-log";

/**
 * Identifies the lab's runner process so a later run can tell whether it is still alive: its pid, and
 * its start time (so that a reused pid is not taken for it). A zombie counts as dead.
 */
export function selfIdentity(): { pid: number; start: string } {
  return { pid: process.pid, start: procStat(process.pid)?.start ?? "" };
}

export function runnerAlive(pid: number, start: string | undefined): boolean {
  const stat = procStat(pid);
  if (stat) return stat.state !== "Z" && (!start || stat.start === start);
  try {
    process.kill(pid, 0); // no /proc (not Linux): the best that can be known
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** State, parent and start time (in clock ticks since boot) from /proc/PID/stat; undefined if there is no such process (or no /proc). */
export function procStat(pid: number): { state: string; ppid: number; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (e) {
    // No such file is the answer (no such process); anything else is worth a line.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") debugLog("process/proc-stat", e);
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", ppid: Number(fields[1]), start: fields[19] ?? "" };
}
