// The clone's TypeScript require hook (lab/dev/ts-cache.cjs): each file is transpiled once and kept, a
// process that finds everything kept never loads TypeScript, an edited file is never served stale, the
// cache keeps one entry per file, and a cache it cannot write only costs time.
import test from "ava";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { scratch } from "../scratch";

const HOOK = resolve(__dirname, "../../lab/dev/ts-cache.cjs");

/** Runs `file` under the hook with its cache in `cache`: its stdout as JSON, or its stderr when it fails. */
function run(file: string, cache: string) {
  const r = spawnSync(process.execPath, ["-r", HOOK, file], {
    encoding: "utf8",
    env: { ...process.env, REUSELAB_TS_CACHE: cache },
  });
  return { code: r.status, out: r.status === 0 ? JSON.parse(r.stdout) : undefined, err: r.stderr };
}

const program = (n: number) =>
  [
    `const n: number = ${n};`,
    `const typescriptLoaded: boolean = Object.keys(require.cache).some((k) => k.includes("/node_modules/typescript/"));`,
    `console.log(JSON.stringify({ n, typescriptLoaded }));`,
    `if (process.argv.includes("throw")) throw new Error("thrown");`,
  ].join("\n");

/** The cached files, by the folder of the source they belong to. */
const entries = (cache: string) => readdirSync(cache).map((d) => readdirSync(join(cache, d)));

test("a second process reads the kept JavaScript and never loads TypeScript", (t) => {
  const dir = scratch("ts-cache");
  const file = join(dir, "program.ts");
  const cache = join(dir, "cache");
  writeFileSync(file, program(42));
  t.deepEqual(run(file, cache).out, { n: 42, typescriptLoaded: true });
  t.deepEqual(run(file, cache).out, { n: 42, typescriptLoaded: false });
  t.deepEqual(
    entries(cache).map((e) => e.length),
    [1],
  );
});

test("an edited file is transpiled again, and its old entry is removed", (t) => {
  const dir = scratch("ts-cache");
  const file = join(dir, "program.ts");
  const cache = join(dir, "cache");
  writeFileSync(file, program(1));
  t.like(run(file, cache).out, { n: 1 });
  const [first] = entries(cache);
  writeFileSync(file, program(2));
  t.deepEqual(run(file, cache).out, { n: 2, typescriptLoaded: true });
  const [second] = entries(cache);
  t.is(second!.length, 1, "one entry for the file");
  t.notDeepEqual(second, first);
  writeFileSync(file, program(1));
  t.like(run(file, cache).out, { n: 1 }, "back to the first text: not the second's output");
});

test("a cache folder that cannot be made: the program still runs, transpiled in memory", (t) => {
  const dir = scratch("ts-cache");
  const file = join(dir, "program.ts");
  writeFileSync(file, program(7));
  writeFileSync(join(dir, "a-file"), "");
  const r = run(file, join(dir, "a-file", "cache"));
  t.is(r.code, 0, r.err);
  t.deepEqual(r.out, { n: 7, typescriptLoaded: true });
});

test("a stack trace names the TypeScript file and its line", (t) => {
  const dir = scratch("ts-cache");
  const file = join(dir, "program.ts");
  writeFileSync(file, program(3));
  for (const round of ["first", "cached"]) {
    const r = spawnSync(process.execPath, ["-r", HOOK, file, "throw"], {
      encoding: "utf8",
      env: { ...process.env, REUSELAB_TS_CACHE: join(dir, "cache") },
    });
    t.is(r.status, 1, round);
    t.true(r.stderr.includes(`${file}:4`), `${round}: ${r.stderr}`);
  }
});
