/**
 * reuselab as a library (the package's entry, `require("reuselab")`): run cases from your own tests
 * and get the same results object `reuselab run --json` writes. Errors the lab raises on purpose are
 * LabError, with a stable `code`.
 *
 *   const { runCases } = require("reuselab");
 *   const results = await runCases({ cases: ["./cases"], backend: "netns" });
 *   results.runs.filter((r) => r.outcome === "failed");
 *
 *   const { audit } = require("reuselab");
 *   const { audit: [verdicts] } = await audit({ image: "my/dns:1", ports: "5353/udp", mustResist: ["udp-reuseport-other-uid"] });
 *   verdicts.gateFailures; // [] when every must-resist profile was resisted
 *
 * and declare an ad-hoc lab in a test, with typed calls on its actors (lab/api/lab-builder.ts):
 *
 *   await using lab = await new Lab({ backend: "netns" }).actor("victim", { uid: 1000 }).start();
 *   const r = await lab.actor("victim").bind("udp", "$victim:5353", { reuseport: true });
 */
export { runCases, type RunCasesOptions, type ResultsFile, type LabEvent, type Reporter } from "./api/run-cases";
export {
  audit,
  type AuditResults,
  type AuditOptions,
  type AuditFileOptions,
  type AuditImageOptions,
  type AuditRunOptions,
  type AuditResult,
  type ProfileName,
  type ProfileVerdict,
  type VerdictKind,
} from "./api/audit";
export { Lab, type LabOptions, type ActorOptions } from "./api/lab-builder";
export { RunningLab } from "./api/running-lab";
export { LabActor, type CallResult, type SocketResult, type CountResult, type Proto } from "./api/lab-actor";
export type { SocketOptions } from "./api/socket-option-words";
export { LabError, type LabErrorCode } from "./errors";
// A run as the results (schema 1) hold it; the engine's events carry more (each step's expectation as data).
export type { Outcome, RunRecord as RunResult } from "./verdict/outcome";
export type { KernelInfo } from "./kernel-info";
