/**
 * The compiled CLI (dist/, `npm run build`) as the `reuselab` bin runs it: --version, and commands that
 * start nothing (--help, list, explain) load none of the engine's libraries. How fast it starts is the
 * bench's and the README's business, not a test's.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { labHere, scratch } from "./helpers";

const ROOT = resolve(__dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const BIN = join(ROOT, "lab/cli/bin.js");
const PRELOAD = join(__dirname, "record-loaded-modules.cjs");
/** What only a command that starts a lab needs. */
const HEAVY = ["testcontainers", "dockerode", "docker-modem", "cli-progress", "ssh2"];

test.before(() => {
  const r = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
});

/** The bin from a folder outside the clone; returns its output and the modules it loaded. */
function bin(args: string[]): { code: number | null; out: string; err: string; loaded: string[] } {
  const record = join(scratch(), "loaded.txt");
  const r = spawnSync(process.execPath, ["--require", PRELOAD, BIN, ...args], {
    cwd: scratch(),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", REUSELAB_LOADED_MODULES: record },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, loaded: readFileSync(record, "utf8").split("\n").filter(Boolean) };
}

const packagesIn = (loaded: readonly string[]) => new Set(loaded.flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1] ?? []));

test.serial("--version prints package.json's version, from the compiled bin and in process", async (t) => {
  const r = bin(["--version"]);
  t.is(r.code, 0, r.err);
  t.is(r.out, `${VERSION}\n`);
  t.true(r.loaded.includes(join(ROOT, "dist/cli/main.js")), "the bin ran the compiled CLI");
  const here = await labHere(["-V"]);
  t.is(here.code, 0);
  t.is(here.out, `${VERSION}\n`);
});

for (const args of [["--help"], ["list"], ["explain", "hijack/udp-specific-address-steals-unicast"]]) {
  test.serial(`${args.join(" ")} from the compiled bin loads none of ${HEAVY.join(", ")}`, (t) => {
    const r = bin(args);
    t.is(r.code, 0, r.err);
    t.true(r.loaded.includes(join(ROOT, "dist/cli/main.js")), "the bin ran the compiled CLI");
    t.false(r.loaded.some((p) => p.endsWith(".ts")), "no TypeScript was loaded");
    const packages = packagesIn(r.loaded);
    t.true(packages.has("commander"), `the record holds the libraries loaded: ${[...packages].join(", ")}`);
    t.deepEqual(HEAVY.filter((h) => packages.has(h)), []);
  });
}

test.serial("run --help loads none of them either; a run's own code loads only when it starts", (t) => {
  const r = bin(["run", "--help"]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /--backend <name>/);
  t.deepEqual(HEAVY.filter((h) => packagesIn(r.loaded).has(h)), []);
  t.false(r.loaded.some((p) => p.endsWith("run-action.js")));
});
