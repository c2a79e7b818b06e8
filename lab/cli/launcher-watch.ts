/**
 * A runner whose launcher went away stops as on SIGTERM. Many CI runners send SIGTERM to npm's
 * process alone: npm then ends (and takes its `sh -c` with it, or not), and the node runner, orphaned,
 * went on with the whole catalogue, guests and all. Nothing tells a process that its parent ended
 * (a parent-death signal can only be asked for by the child before it runs, which npm does not do), so
 * the launchers are looked at now and then.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { procStat } from "../process-stat";
import { debugLog } from "../debug-log";

export interface Launcher {
  pid: number;
  /** Its command line, for the message. */
  command: string;
  /** Start time in clock ticks since boot: a reused pid is another process. */
  start: string;
}

/**
 * The processes whose end means the run was abandoned: the parent, and above each `sh -c` wrapper (how
 * npm runs a script) the process that started it. Never init: a runner started by it has no launcher.
 */
export function launchers(pid = process.pid): Launcher[] {
  const chain: Launcher[] = [];
  let ppid = procStat(pid)?.ppid;
  while (ppid !== undefined && ppid > 1) {
    const stat = procStat(ppid);
    const argv = commandLine(ppid);
    if (!stat || stat.state === "Z") break;
    chain.push({ pid: ppid, command: argv.join(" ").slice(0, 80), start: stat.start });
    if (!isShellWrapper(argv)) break;
    ppid = stat.ppid;
  }
  return chain;
}

/** Calls `gone` once, with the first launcher found ended; returns a function that stops watching. */
export function watchLaunchers(gone: (launcher: Launcher) => void, everyMs = 500): () => void {
  const watched = launchers();
  const timer = setInterval(() => {
    const ended = watched.find((l) => {
      const now = procStat(l.pid);
      return !now || now.state === "Z" || now.start !== l.start;
    });
    if (!ended) return;
    clearInterval(timer);
    gone(ended);
  }, everyMs);
  timer.unref(); // the watch never keeps the runner alive
  return () => clearInterval(timer);
}

function isShellWrapper(argv: readonly string[]): boolean {
  return ["sh", "dash", "bash"].includes(basename(argv[0] ?? "")) && argv[1] === "-c";
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch (e) {
    debugLog("cli/launcher-watch", e);
    return [];
  }
}
