// StrykerJS's command (stryker.config.cjs), run in its sandbox: `node test/mutation/run-mutant.cjs TEST...`
// with the folders' unit test files (.ts paths). In the dry run (no active mutant) it compiles the sandbox
// (compile.cjs) and runs every test named. For a mutant (its id in __STRYKER_ACTIVE_MUTANT__) it runs only
// the named test files that import the mutant's source file, directly or through other files (a mutant in
// lab/report/report-paths.ts does not run the tests of lab/report/junit-reporter.ts), the nearest first.
// The mutant → file → tests map is read once per sandbox from the instrumented sources (each mutant is a
// stryMutAct_9fa48("ID") call in its file) and the imports (TypeScript's pre-processor, as
// test/layers.test.ts reads them), and kept in .mutation-js/mutant-tests.json. A mutant no named test
// reaches runs them all (it survives, honestly), and so does every mutant with REUSELAB_MUTANT_TESTS=all
// (to check that narrowing changes no mutant's fate).
const { spawnSync } = require("node:child_process");
const {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { dirname, join, relative, resolve } = require("node:path");

const ROOT = process.cwd();
const CACHE = join(ROOT, ".mutation-js", "mutant-tests.json");
// Found upward from here: Stryker's sandbox has no node_modules of its own when the checkout's is a symbolic link.
function findAva(dir) {
  const cli = join(dir, "node_modules", "ava", "entrypoints", "cli.mjs");
  if (existsSync(cli)) return cli;
  if (dirname(dir) === dir) throw new Error(`run-mutant.cjs: no node_modules/ava above ${__dirname}: run npm ci`);
  return findAva(dirname(dir));
}
const AVA_CLI = findAva(__dirname);
const tests = process.argv.slice(2);
if (tests.length === 0) throw new Error("run-mutant.cjs: name the test files (.ts) to run, as stryker.config.cjs does");

function tsFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The .ts file a relative import names, or undefined (a package, a .json file, a file outside lab/ and test/). */
function resolveImport(from, spec) {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(from), spec).replace(/\.js$/, "");
  return [`${base}.ts`, join(base, "index.ts")].find((f) => existsSync(f) && statSync(f).isFile());
}

/** Every mutant id → its file and the test files (of those named) that import it: the nearest, then the others. */
function buildMap() {
  const ts = require("typescript");
  const imports = new Map(); // absolute file → absolute files it imports
  const importsOf = (file) => {
    if (!imports.has(file)) {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
      imports.set(file, importedFiles.map((i) => resolveImport(file, i.fileName)).filter(Boolean));
    }
    return imports.get(file);
  };
  const testsOf = new Map(); // absolute source file → [test file (as named), how many imports away]
  for (const t of tests) {
    const depth = new Map([[resolve(ROOT, t), 0]]);
    for (const [f, d] of depth) for (const g of importsOf(f)) if (!depth.has(g)) depth.set(g, d + 1);
    for (const [f, d] of depth) testsOf.set(f, [...(testsOf.get(f) ?? []), [t, d]]);
  }
  const map = {};
  for (const file of tsFiles(join(ROOT, "lab"))) {
    const reach = testsOf.get(file) ?? [];
    const nearest = Math.min(...reach.map(([, d]) => d));
    const first = reach.filter(([, d]) => d === nearest).map(([t]) => t);
    const then = reach.filter(([, d]) => d !== nearest).map(([t]) => t);
    const text = readFileSync(file, "utf8");
    for (const [, id] of text.matchAll(/stryMutAct_9fa48\("(\d+)"\)/g))
      map[id] = { file: relative(ROOT, file), first, then };
  }
  return map;
}

function mapOnce() {
  if (existsSync(CACHE)) return JSON.parse(readFileSync(CACHE, "utf8"));
  const map = buildMap();
  writeFileSync(`${CACHE}.${process.pid}`, JSON.stringify(map));
  renameSync(`${CACHE}.${process.pid}`, CACHE);
  return map;
}

/**
 * ava --fail-fast on the compiled test files; its exit status (a signal counts as a failure). Its
 * temporary files go to a folder of its own in the sandbox (Stryker removes the sandbox when it ends):
 * a test killed at a mutant's timeout, before its teardown, leaves nothing in the system's /tmp.
 */
function ava(files) {
  const compiled = files.map((t) => `.mutation-js/${t.replace(/\.ts$/, ".js")}`);
  const tmp = mkdtempSync(join(ROOT, ".tmp-"));
  try {
    const { status } = spawnSync(
      process.execPath,
      [AVA_CLI, "--config", "test/mutation/ava.config.cjs", "--fail-fast", ...compiled],
      { stdio: "inherit", env: { ...process.env, TMPDIR: tmp } },
    );
    return status ?? 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
// Nearest first: the tests that import the mutant's file (or come nearest to it) usually kill it alone, in a
// second; only if they pass do the tests that reach it through other files run. Killed or not is decided by
// the same files either way.
let phases = [tests];
if (mutant === undefined) {
  require("./compile.cjs");
} else if (process.env.REUSELAB_MUTANT_TESTS !== "all") {
  const entry = mapOnce()[mutant];
  if (entry && entry.first.length > 0) phases = [entry.first, entry.then].filter((p) => p.length > 0);
}
for (const files of phases) {
  const status = ava(files);
  if (status !== 0) process.exit(status);
}
