/**
 * Known kernel bugs, judged by the run: for each kernel, each regression case (a case with `fix:`) says
 * whether the kernel has the fix, from how its runs came out, beside what the version number predicts.
 *
 *   every run that ran passed (or passed despite an xfail mark)  ->  present
 *   any run failed (or failed as a known failure)                ->  absent, with the failing steps
 *   no run ran (skipped: a kernel too old, interrupted), or the
 *   lab could not run the trigger (a failure with no actor)      ->  not-run, with the reason
 *
 * An allowlist entry whose fix turned out present is stale: it would let a regression through unseen.
 */
import type { KernelInfo } from "../kernel-info";
import type { Fix } from "../case/case";
import type { PlannedRun } from "../plan/plan";
import { predictFix, type Prediction } from "./fix-prediction";
import { formatFailure, type RunResult } from "../verdict/outcome";

export type FixStatus = "present" | "absent" | "not-run";

export interface KnownBug {
  /** The regression case's id. */
  case: string;
  /** The fix's commit id. */
  fix: string;
  subject: string;
  cve?: string;
  status: FixStatus;
  /** present: the runs that passed; absent: each failing step, "run id: file:line: actor: call: expected … but got …"; not-run: each run's reason. */
  evidence: string[];
  /** What the kernel's version number predicts, and why. */
  predicted: Prediction;
  because: string;
  /** The run and the prediction differ (a stable backport missing, or a distribution's backport present early). */
  disagrees: boolean;
  /** The allowlist's reason, when it lets this absent fix through. */
  allowed?: string;
}

/** An allowlist entry that names a fix the kernel was found to have. */
export interface StaleAllowEntry {
  case: string;
  kernel: string;
  reason: string;
  file: string;
  line: number;
  /** The runs that passed. */
  evidence: string[];
}

export interface KnownBugs {
  /** Per kernel id, every regression case of the session, in case order. */
  kernels: Record<string, KnownBug[]>;
  staleAllowlist: StaleAllowEntry[];
}

export function knownBugs(
  runs: readonly PlannedRun[],
  results: readonly RunResult[],
  kernels: readonly KernelInfo[],
): KnownBugs {
  const result = new Map(results.map((r) => [r.id, r]));
  const out: KnownBugs = { kernels: {}, staleAllowlist: [] };
  for (const k of kernels) {
    const mine = runs.filter((r) => r.kernel.id === k.id && r.case.fix);
    const cases = [...new Set(mine.map((r) => r.case.id))];
    out.kernels[k.id] = cases.map((id) => {
      const planned = mine.filter((r) => r.case.id === id);
      const fix = planned[0]!.case.fix!;
      const bug = judgeFix(
        fix,
        id,
        planned.map((r) => result.get(r.id)).filter((r): r is RunResult => r !== undefined),
        k,
      );
      const allowed = planned[0]!.allowed;
      if (allowed && bug.status === "present")
        out.staleAllowlist.push({
          case: id,
          kernel: k.id,
          reason: allowed.reason,
          file: allowed.source.file,
          line: allowed.source.line,
          evidence: bug.evidence,
        });
      return allowed && bug.status === "absent" ? { ...bug, allowed: allowed.reason } : bug;
    });
  }
  return out;
}

/** One regression case on one kernel, from its runs' results (a run not in `results` did not finish). */
export function judgeFix(fix: Fix, caseId: string, results: readonly RunResult[], k: KernelInfo): KnownBug {
  const failures = results.flatMap((r) =>
    r.outcome === "failed" || r.outcome === "xfail" ? r.failures.map((f) => ({ run: r.id, f })) : [],
  );
  // A failure with no actor is the lab's (it could not run the trigger): no evidence either way.
  const disagreed = failures.filter((x) => x.f.actor);
  const labFailed = failures.filter((x) => !x.f.actor);
  const passed = results.filter((r) => r.outcome === "passed" || r.outcome === "xpass");
  const status: FixStatus = disagreed.length ? "absent" : labFailed.length || !passed.length ? "not-run" : "present";
  const evidence =
    status === "absent"
      ? disagreed.map((x) => `${x.run}: ${formatFailure(x.f)}`)
      : status === "present"
        ? passed.map((r) => r.id)
        : labFailed.length
          ? labFailed.map((x) => `${x.run}: ${formatFailure(x.f)}`)
          : results.length
            ? results.map((r) => `${r.id}: ${r.outcome === "skipped" ? r.reason : r.outcome}`)
            : ["no run of it finished"];
  const { predicted, because } = predictFix(fix, k);
  const disagrees = status !== "not-run" && predicted !== "unknown" && predicted !== status;
  return {
    case: caseId,
    fix: fix.commit,
    subject: fix.subject,
    ...(fix.cve ? { cve: fix.cve } : {}),
    status,
    evidence,
    predicted,
    because,
    disagrees,
  };
}
