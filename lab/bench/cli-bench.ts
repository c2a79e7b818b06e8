/**
 * npm run bench:cli [-- --runs N]
 *
 * How fast the CLI starts: `--help`, `list` and `explain CASE`, each N times, from the compiled CLI
 * (dist/, what the installed package runs; built first when older than lab/) and from a clone's
 * TypeScript (lab/cli/bin.js, through lab/dev/ts-cache.cjs). list and explain are timed with the catalogue cache
 * made (lab/case/catalogue-cache.ts: every start after the first) and, compiled, with an empty one
 * (the first start, or the first after a case file changed). Prints each median wall time and peak
 * RSS beside the goal (≤ 500 ms, ≤ 100 MB) as a ratio. A measurement, not a test: it never fails on a
 * slow figure, only when a command does not exit 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LabError } from "../errors";
import { buildWhenStale, COMMANDS, GOAL, measureStarts } from "./cli-starts";

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new LabError("REUSELAB_BAD_ARGS", `--runs ${values.runs}: a whole number, 1 or more`);
  buildWhenStale();
  const load = loadavg()[0]!.toFixed(1);
  const scratch = mkdtempSync(join(tmpdir(), "reuselab-bench-cli-"));
  // Ctrl-C reaches the start being timed too; the scratch folder goes either way.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      rmSync(scratch, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    const rows = measureStarts(runs, scratch).map((r) =>
      r.way.startsWith("Node")
        ? [r.command, r.way, r.ms.toFixed(0), "", r.cpuMs.toFixed(0), r.mb.toFixed(0), ""]
        : [
            r.command,
            r.way,
            r.ms.toFixed(0),
            (r.ms / GOAL.ms).toFixed(2),
            r.cpuMs.toFixed(0),
            r.mb.toFixed(0),
            (r.mb / GOAL.mb).toFixed(2),
          ],
    );
    const head = ["command", "how", "median ms", "x goal", "CPU ms", "peak MB", "x goal"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    process.stdout.write(
      `reuselab's start: median wall time of ${runs} starts, peak RSS the largest; goal ≤ ${GOAL.ms} ms and ≤ ${GOAL.mb} MB (x goal ≤ 1.00 meets it)\n`,
    );
    process.stdout.write(`${[head, ...rows].map(line).join("\n")}\n`);
    process.stdout.write(
      `CPU ms: user + system, median; on a busy machine the wall time waits for a core, the CPU time does not\n`,
    );
    process.stdout.write(
      `explain's case: ${COMMANDS[2]![1]}; ${cpus().length} cores, load average ${load} at the start, Node ${process.version}\n`,
    );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  process.exit(main());
} catch (e) {
  process.stderr.write(`bench:cli: ${(e as Error).message}\n`);
  process.exit(2);
}
