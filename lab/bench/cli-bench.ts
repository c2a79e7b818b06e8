/**
 * npm run bench:cli [-- --runs N]
 *
 * How fast the CLI starts: `--help`, `list` and `explain CASE`, each N times, from the compiled CLI
 * (dist/, what the installed package runs; built first when older than lab/) and from a clone's
 * TypeScript through ts-node (lab/cli/bin.js). list and explain are timed with the catalogue cache
 * made (lab/case/catalogue-cache.ts: every start after the first) and, compiled, with an empty one
 * (the first start, or the first after a case file changed). Prints each median wall time and peak
 * RSS beside the goal (≤ 500 ms, ≤ 100 MB) as a ratio. A measurement, not a test: it never fails on a
 * slow figure, only when a command does not exit 0. Each start's peak RSS and CPU time come from the
 * process itself (start-usage.cjs, preloaded).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LabError } from "../errors";
import { PACKAGE_ROOT } from "../package-root";
import { debugLog } from "../debug-log";

const GOAL = { ms: 500, mb: 100 };
const COMMANDS = [["--help"], ["list"], ["explain", "hijack/udp-specific-address-steals-unicast"]];
const COMPILED = join(PACKAGE_ROOT, "dist/cli/main.js");
const CLONE_BIN = join(PACKAGE_ROOT, "lab/cli/bin.js");
const USAGE = join(__dirname, "start-usage.cjs");

interface Way {
  name: string;
  script: string;
  /** A fresh, empty cache folder for every start: the first start's cost. */
  emptyCache: boolean;
}

const WAYS: Way[] = [
  { name: "compiled", script: COMPILED, emptyCache: false },
  { name: "compiled, first start", script: COMPILED, emptyCache: true },
  { name: "ts-node (a clone)", script: CLONE_BIN, emptyCache: false },
];

/** One start: wall ms, CPU ms (user + system) and peak RSS in MB. */
function start(
  script: string,
  args: string[],
  scratch: string,
  cache: string,
): { ms: number; cpuMs: number; mb: number } {
  const usage = join(scratch, "usage");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", USAGE, script, ...args], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
    env: { ...process.env, REUSELAB_START_USAGE: usage, REUSELAB_CACHE: cache, NO_COLOR: "1" },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${script} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const [kb, cpuUs] = readFileSync(usage, "utf8").split(" ").map(Number);
  return { ms, cpuMs: cpuUs! / 1000, mb: kb! / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** dist/ older than a file of lab/ would time code that is not the clone's. */
function buildWhenStale(): void {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (m, e) =>
        Math.max(
          m,
          e.isDirectory()
            ? newest(join(dir, e.name))
            : e.name.endsWith(".ts")
              ? statSync(join(dir, e.name)).mtimeMs
              : 0,
        ),
      0,
    );
  let built = 0;
  try {
    built = statSync(COMPILED).mtimeMs;
  } catch (e) {
    debugLog("bench/cli-bench", e); // not built
  }
  if (built > newest(join(PACKAGE_ROOT, "lab"))) return;
  process.stderr.write("bench:cli: dist/ is older than lab/: npm run build\n");
  const r = spawnSync("npm", ["run", "build"], { cwd: PACKAGE_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}

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
    const rows: string[][] = [];
    for (const way of WAYS) {
      const shared = join(scratch, "cache");
      for (const args of COMMANDS) {
        if (way.emptyCache && args[0] === "--help") continue;
        // The shared cache is made by a start before the timed ones.
        if (!way.emptyCache) start(way.script, args, scratch, shared);
        const times = Array.from({ length: runs }, (_, i) =>
          start(way.script, args, scratch, way.emptyCache ? join(scratch, `empty-${args[0]}-${i}`) : shared),
        );
        const ms = median(times.map((t) => t.ms));
        const mb = Math.max(...times.map((t) => t.mb));
        const cpuMs = median(times.map((t) => t.cpuMs));
        rows.push([
          args[0]!,
          way.name,
          ms.toFixed(0),
          (ms / GOAL.ms).toFixed(2),
          cpuMs.toFixed(0),
          mb.toFixed(0),
          (mb / GOAL.mb).toFixed(2),
        ]);
      }
    }
    const bare = Array.from({ length: runs }, () => start("-e", ["0"], scratch, join(scratch, "cache")));
    rows.push([
      "node -e 0",
      "Node alone, for scale",
      median(bare.map((t) => t.ms)).toFixed(0),
      "",
      median(bare.map((t) => t.cpuMs)).toFixed(0),
      Math.max(...bare.map((t) => t.mb)).toFixed(0),
      "",
    ]);
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
