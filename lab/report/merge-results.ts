/**
 * `reuselab merge`: the JSON results of several jobs (one per kernel, or per --filter, in a CI job
 * matrix) as one. Kernels are joined without duplicates, runs concatenated; a run id in two files is
 * refused, since which of the two verdicts is true cannot be told. The claims audit is not copied but
 * recomputed from the merged runs and the catalogue, as if one job had run them all; so are the known
 * bugs (lab/findings/known-bugs.ts), with the allowlist's entries.
 */
import { readFileSync } from "node:fs";
import type { KernelInfo } from "../kernel-info";
import type { AllowEntry } from "../case/allowlist";
import { readDescribedExpectation } from "../case/expectation-syntax";
import type { Catalogue } from "../case/load-cases";
import { LabError } from "../errors";
import { plan, type PlannedRun } from "../plan/plan";
import type { RunRecord, RunResult } from "../verdict/outcome";
import type { ResultsFile } from "./json-reporter";

export interface MergedResults {
  kernels: KernelInfo[];
  runs: RunResult[];
  /** Things worth saying that do not stop the merge (a kernel with two releases). */
  warnings: string[];
}

export function readResultsFile(file: string): ResultsFile {
  let parsed: Partial<ResultsFile>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ResultsFile>;
  } catch (e) {
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `${file}: cannot read it as JSON results (${(e as Error).message}); pass files written by 'reuselab run --json FILE'`,
    );
  }
  if (parsed.schema !== 1 || !Array.isArray(parsed.kernels) || !Array.isArray(parsed.runs)) {
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `${file}: not reuselab results of schema 1 (it needs "schema": 1, "kernels" and "runs"); pass files written by 'reuselab run --json FILE'`,
    );
  }
  return parsed as ResultsFile;
}

export function mergeResults(inputs: readonly { file: string; results: ResultsFile }[]): MergedResults {
  const merged: MergedResults = { kernels: [], runs: [], warnings: [] };
  const kernelFrom = new Map<string, { release: string; file: string }>();
  const runFrom = new Map<string, string>();
  for (const { file, results } of inputs) {
    for (const k of results.kernels) {
      const seen = kernelFrom.get(k.id);
      if (!seen) {
        kernelFrom.set(k.id, { release: k.release, file });
        merged.kernels.push(k);
      } else if (seen.release !== k.release) {
        merged.warnings.push(
          `kernel ${k.id} is ${seen.release} in ${seen.file} but ${k.release} in ${file}; the merged results say ${seen.release}`,
        );
      }
    }
    for (const r of results.runs) {
      const other = runFrom.get(r.id);
      if (other)
        throw new LabError(
          "REUSELAB_BAD_ARGS",
          `run ${r.id} is in both ${other} and ${file}; give each job its own kernels or --filter so that no run is in two files`,
        );
      runFrom.set(r.id, file);
      merged.runs.push(runFromRecord(r));
    }
  }
  return merged;
}

/**
 * A run read from a results file, as the engine gave it: each step's expectation back from its words
 * (schema 1 writes it so), its kind from its call's verb.
 */
export function runFromRecord(r: RunRecord): RunResult {
  return {
    ...r,
    steps: r.steps.map((s) => ({
      ...s,
      expectation: readDescribedExpectation(s.expected),
      verb: s.call.split(" ")[0] ?? "",
    })),
  };
}

/**
 * The planned runs of merged results, for the claims audit (lab/run/session.ts's recordSession). A run
 * is evidence through its case's claim references, so runs are matched to the catalogue's plan by id;
 * runs the catalogue does not have (another --cases) are kept in the results but named in `unknown`,
 * and no claim rests on them.
 */
export function plannedMerged(
  merged: MergedResults,
  catalogue: Catalogue,
  allow: readonly AllowEntry[] = [],
): { planned: PlannedRun[]; unknown: string[] } {
  const all = new Map(plan(catalogue.cases, merged.kernels, { slow: true }, allow).map((r) => [r.id, r]));
  const planned = merged.runs.map((r) => all.get(r.id)).filter((r): r is PlannedRun => r !== undefined);
  const unknown = merged.runs.filter((r) => !all.has(r.id)).map((r) => r.id);
  return { planned, unknown };
}
