// `reuselab merge` (lab/report/merge-results.ts) on results files written here: what is refused and in
// which words, kernels joined once (a second release is a warning), runs concatenated (one run in two
// files refused), and the claims audit of the merged runs, with the runs the catalogue does not know.
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { loadCatalogue } from "../../lab/case/load-cases";
import { auditClaims } from "../../lab/findings/claims-audit";
import { mergeResults, plannedMerged, readResultsFile } from "../../lab/report/merge-results";
import type { ResultsFile } from "../../lab/report/json-reporter";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";

const temp = tempFolder("merge");
test.after.always(() => temp.remove());

const host: KernelInfo = { id: "host", release: "6.18.44" };
const old: KernelInfo = { id: "5.10", release: "5.10.0-46" };
const passed = (id: string): RunResult => ({
  id,
  case: id.split(".")[0]!,
  variant: id.split(".")[1]!.split("@")[0]!,
  kernel: id.split("@")[1]!,
  durationMs: 1,
  outcome: "passed",
  steps: [],
});
const results = (kernels: KernelInfo[], runs: RunResult[]): ResultsFile => ({ schema: 1, kernels, runs, claims: [] });

test("a file that is not JSON results is refused with its name and what to pass", (t) => {
  const file = (name: string, text: string) => {
    const path = join(temp.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const missing = join(temp.dir, "missing.json");
  t.throws(() => readResultsFile(missing), {
    code: "REUSELAB_BAD_ARGS",
    message: new RegExp(
      `^${missing}: cannot read it as JSON results \\(ENOENT[^)]*\\); pass files written by 'reuselab run --json FILE'$`,
    ),
  } as object);
  const bad = file("bad.json", "{");
  t.throws(() => readResultsFile(bad), {
    message: new RegExp(
      `^${bad}: cannot read it as JSON results \\(.*JSON.*\\); pass files written by 'reuselab run --json FILE'$`,
    ),
  });
  const notOurs = `: not reuselab results of schema 1 (it needs "schema": 1, "kernels" and "runs"); pass files written by 'reuselab run --json FILE'`;
  for (const [name, text] of [
    ["v2", '{"schema": 2, "kernels": [], "runs": []}'],
    ["nok", '{"schema": 1, "runs": []}'],
    ["nor", '{"schema": 1, "kernels": []}'],
    ["objk", '{"schema": 1, "kernels": {}, "runs": []}'],
    ["objr", '{"schema": 1, "kernels": [], "runs": {}}'],
  ] as const) {
    const path = file(`${name}.json`, text);
    t.throws(() => readResultsFile(path), { code: "REUSELAB_BAD_ARGS", message: `${path}${notOurs}` } as object, name);
  }
  const good = file("good.json", JSON.stringify(results([host], [passed("a.v@host")])));
  t.deepEqual(readResultsFile(good), results([host], [passed("a.v@host")]));
});

test("kernels joined once in the order met, runs concatenated; a kernel with two releases keeps the first and says so", (t) => {
  const merged = mergeResults([
    { file: "a.json", results: results([host], [passed("a.v@host")]) },
    {
      file: "b.json",
      results: results([old, { ...host, release: "6.18.45" }], [passed("a.v@5.10"), passed("b.v@5.10")]),
    },
    { file: "c.json", results: results([host], [passed("b.v@host")]) },
  ]);
  t.deepEqual(merged.kernels, [host, old]);
  t.deepEqual(
    merged.runs.map((r) => r.id),
    ["a.v@host", "a.v@5.10", "b.v@5.10", "b.v@host"],
  );
  t.deepEqual(merged.warnings, [
    "kernel host is 6.18.44 in a.json but 6.18.45 in b.json; the merged results say 6.18.44",
  ]);
});

test("one run in two files is refused, naming both", (t) => {
  t.throws(
    () =>
      mergeResults([
        { file: "a.json", results: results([host], [passed("a.v@host")]) },
        { file: "b.json", results: results([host], [passed("a.v@host")]) },
      ]),
    {
      code: "REUSELAB_BAD_ARGS",
      message:
        "run a.v@host is in both a.json and b.json; give each job its own kernels or --filter so that no run is in two files",
    } as object,
  );
});

test("the audit of merged runs: runs matched to the catalogue's plan, those it does not know named", (t) => {
  const catalogue = loadCatalogue(["test/fixtures/known-bugs"]);
  const merged = mergeResults([
    {
      file: "a.json",
      results: results(
        [host, old],
        [passed("fix-present.default@host"), passed("fix-present.default@5.10"), passed("elsewhere.v@host")],
      ),
    },
  ]);
  const { planned, unknown } = plannedMerged(merged, catalogue);
  const audit = auditClaims(catalogue.claims, planned, merged.runs, merged.kernels);
  t.deepEqual(
    planned.map((r) => r.id),
    ["fix-present.default@host", "fix-present.default@5.10"],
  );
  t.deepEqual(unknown, ["elsewhere.v@host"]);
  t.deepEqual(audit, []);
});
