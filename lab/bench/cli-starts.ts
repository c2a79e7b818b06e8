/**
 * Times the CLI's starts (bench:cli, bench:lab): `--help`, `list` and `explain CASE`, each N times, from
 * the compiled CLI (dist/, built first when older than lab/), compiled with an empty catalogue cache (a
 * first start), and from a clone (its TypeScript through lab/dev/ts-cache.cjs); and Node alone, for scale. Each start's peak RSS and CPU
 * time come from the process itself (start-usage.cjs, preloaded).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root";
import { debugLog } from "../debug-log";

export const GOAL = { ms: 500, mb: 100 };
export const COMMANDS = [["--help"], ["list"], ["explain", "hijack/udp-specific-address-steals-unicast"]];
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
  { name: "a clone (cached transpile)", script: CLONE_BIN, emptyCache: false },
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
export function buildWhenStale(): void {
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
  process.stderr.write("bench: dist/ is older than lab/: npm run build\n");
  const r = spawnSync("npm", ["run", "build"], { cwd: PACKAGE_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}

export interface StartRow {
  command: string;
  way: string;
  /** Median wall time of the starts. */
  ms: number;
  /** Median CPU time, user + system. */
  cpuMs: number;
  /** The largest peak RSS. */
  mb: number;
}

/** `runs` starts of each command each way (or only the ways named), medians; then `node -e 0`. */
export function measureStarts(
  runs: number,
  scratch: string,
  ways: readonly string[] = WAYS.map((w) => w.name),
): StartRow[] {
  const rows: StartRow[] = [];
  for (const way of WAYS.filter((w) => ways.includes(w.name))) {
    const shared = join(scratch, "cache");
    for (const args of COMMANDS) {
      if (way.emptyCache && args[0] === "--help") continue;
      // The shared cache is made by a start before the timed ones.
      if (!way.emptyCache) start(way.script, args, scratch, shared);
      const times = Array.from({ length: runs }, (_, i) =>
        start(way.script, args, scratch, way.emptyCache ? join(scratch, `empty-${args[0]}-${i}`) : shared),
      );
      rows.push({
        command: args[0]!,
        way: way.name,
        ms: median(times.map((t) => t.ms)),
        cpuMs: median(times.map((t) => t.cpuMs)),
        mb: Math.max(...times.map((t) => t.mb)),
      });
    }
  }
  const bare = Array.from({ length: runs }, () => start("-e", ["0"], scratch, join(scratch, "cache")));
  rows.push({
    command: "node -e 0",
    way: "Node alone, for scale",
    ms: median(bare.map((t) => t.ms)),
    cpuMs: median(bare.map((t) => t.cpuMs)),
    mb: Math.max(...bare.map((t) => t.mb)),
  });
  return rows;
}
