// StrykerJS over the judging logic: `npm run test:mutation` (all six folders, slow: hours on
// two cores), or one folder at a time while working on its tests: `MUTATE=lab/verdict npm run test:mutation`.
// Each mutant runs, of the unit tier's test files for its folder, those that import the mutant's file directly or
// transitively (test/mutation/run-mutant.cjs; REUSELAB_MUTANT_TESTS=all runs the folder's every file instead),
// with ava --fail-fast, through the command runner (there is no ava runner for Stryker), compiled once by
// test/mutation/compile.cjs in the dry run. The report goes to reports/mutation/ (gitignored).
const TESTS = {
  "lab/verdict": ["test/verdict/*.test.ts"],
  "lab/findings": ["test/findings/*.test.ts"],
  "lab/case": ["test/case/*.test.ts"],
  "lab/plan": ["test/plan/*.test.ts"],
  "lab/run": ["test/run/*.test.ts"],
  "lab/report": ["test/report/*.test.ts"],
};
// What only a real lab can exercise (each is covered by the engine's tests, not by the unit tier):
const EXCLUDED = [
  "lab/report/headless-chromium.ts", // starts Chromium to print a page
  "lab/report/screenshot.ts", // runs a real session on a backend, then Chromium
  "lab/run/kernel-backends.ts", // makes the real docker, netns and vm backends
];
const folders = (process.env.MUTATE ?? Object.keys(TESTS).join(",")).split(",").map((f) => f.replace(/\/+$/, ""));
for (const f of folders) if (!TESTS[f]) throw new Error(`MUTATE=${f}: not one of ${Object.keys(TESTS).join(", ")}`);
// One folder's report beside the others (reports/mutation/verdict/), the whole run's in reports/mutation/.
const reportDir = process.env.MUTATE
  ? `reports/mutation/${folders.map((f) => f.replace(/^lab\//, "")).join("+")}`
  : "reports/mutation";
// Each folder's test files, less those the unit tier leaves out (the "!" entries of ava.unit.config.cjs: they
// need root or an engine); listed here, since ava runs a file named on its command line even when its config
// leaves it out.
const notUnit = new Set(
  require("./ava.unit.config.cjs")
    .files.filter((f) => f.startsWith("!"))
    .map((f) => f.slice(1)),
);
const expand = (pattern) => {
  const dir = /^(.*)\/\*\.test\.ts$/.exec(pattern)?.[1];
  if (!dir) return [pattern];
  return require("node:fs")
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => `${dir}/${f}`);
};
const tests = [...new Set(folders.flatMap((f) => TESTS[f]).flatMap(expand))].filter((t) => !notUnit.has(t));

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
module.exports = {
  testRunner: "command",
  commandRunner: {
    command: `node test/mutation/run-mutant.cjs ${tests.join(" ")}`,
  },
  mutate: folders.map((f) => `${f}/**/*.ts`).concat(EXCLUDED.map((f) => `!${f}`)),
  coverageAnalysis: "off",
  concurrency: 1,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  tempDirName: ".stryker-tmp",
  // Not copied into the sandbox: what npm test and the lab leave in a clone (kernels, images, builds).
  ignorePatterns: [".cache", "dist", ".mutation-js", "reports"],
  cleanTempDir: "always",
  thresholds: { high: 90, low: 85, break: null },
  // A mutant whose tests outlast 1.5 x the dry run + timeoutMS is counted a timeout, and a timeout counts as
  // killed. At 10 s, a surviving mutant's full test run on this 2-core machine under load took longer and
  // was scored a kill (three survivors of lab/case/read-steps.ts, Dec 7): 60 s leaves a survivor a survivor.
  timeoutMS: 60000,
};
