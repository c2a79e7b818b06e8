/**
 * reuselab as a library (the package's entry, `require("reuselab")`): run cases from your own tests
 * and get the same results object `reuselab run --json` writes. Errors the lab raises on purpose are
 * LabError, with a stable `code`.
 *
 *   const { runCases } = require("reuselab");
 *   const results = await runCases({ cases: ["./cases"], backend: "netns" });
 *   results.runs.filter((r) => r.outcome === "failed");
 */
export { runCases, type RunCasesOptions, type ResultsFile, type LabEvent, type Reporter } from "./api/run-cases";
export { LabError, type LabErrorCode } from "./errors";
export type { Outcome, RunResult } from "./verdict/outcome";
export type { KernelInfo } from "./backend/backend";
