/**
 * How busy the machine's CPUs were over a span (/proc/stat): the bench's load generators share the
 * cores with its workers, and a figure that did not scale reads differently when the cores were
 * already saturated. The whole machine is counted, other work on it included.
 */
import { readFileSync } from "node:fs";
import { debugLog } from "../debug-log";

interface CpuTimes {
  busy: number;
  total: number;
}

function read(): CpuTimes | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [label, ...fields] = line.trim().split(/\s+/);
    if (label !== "cpu") return undefined;
    const t = fields.map(Number);
    const idle = (t[3] ?? 0) + (t[4] ?? 0); // idle + iowait
    // guest and guest_nice (fields 9 and 10) are already in user and nice
    const total = t.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch (e) {
    debugLog("bench/cpu-usage", e);
    return undefined;
  }
}

/** Starts measuring; the function returned gives the busy percentage since (NaN where /proc/stat is unreadable). */
export function cpuBusySince(): () => number {
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return Number.NaN;
    return Math.round(((end.busy - start.busy) / (end.total - start.total)) * 1000) / 10;
  };
}
