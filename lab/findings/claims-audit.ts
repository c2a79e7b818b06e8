/**
 * The claims audit: for each claim of the seed guide and each kernel, what the passing runs that name
 * it show. A run counts as evidence only when it passed (the kernel did what the case says); a claim
 * with no such run on a kernel is "untested" there.
 *
 *   every piece of evidence confirms  ->  confirmed
 *   every piece of evidence refutes   ->  refuted
 *   anything else (mixed, or partly)  ->  partly
 */
import type { KernelInfo } from "../kernel-info";
import type { ClaimRef, ClaimRelation } from "../case/case";
import { matchesKernel } from "../case/kernel-selector";
import type { Claim } from "../case/claims";
import type { PlannedRun } from "../plan/plan";
import type { RunResult } from "../verdict/outcome";

export type ClaimVerdict = "confirmed" | "refuted" | "partly" | "untested";

export interface ClaimAudit {
  id: string;
  verdicts: Record<string, ClaimVerdict>;
  /** The passing runs the verdicts rest on. */
  evidence: string[];
  /** What each of those runs shows about the claim. */
  relations: Record<string, ClaimRelation>;
}

export function auditClaims(
  claims: readonly Claim[],
  runs: readonly PlannedRun[],
  results: readonly RunResult[],
  kernels: readonly KernelInfo[],
): ClaimAudit[] {
  const passed = new Set(results.filter((r) => r.outcome === "passed").map((r) => r.id));
  return claims.map((claim) => {
    const relations: Record<string, ClaimRelation> = {};
    for (const run of runs) {
      if (!passed.has(run.id)) continue;
      for (const ref of refsOn(run, claim.id)) relations[run.id] = combine(relations[run.id], ref.relation);
    }
    const verdicts: Record<string, ClaimVerdict> = {};
    for (const k of kernels) {
      const mine = runs.filter((r) => r.kernel.id === k.id && relations[r.id]).map((r) => relations[r.id]!);
      verdicts[k.id] = verdictOf(mine);
    }
    return { id: claim.id, verdicts, evidence: Object.keys(relations), relations };
  });
}

/** A run's references to a claim: the ones for its kernel where there are such, else the general ones. */
function refsOn(run: PlannedRun, id: string): ClaimRef[] {
  const mine = run.variant.claims.filter((r) => r.id === id);
  const forKernel = mine.filter((r) => r.kernel && matchesKernel(r.kernel, run.kernel));
  return forKernel.length ? forKernel : mine.filter((r) => !r.kernel);
}

function combine(a: ClaimRelation | undefined, b: ClaimRelation): ClaimRelation {
  return a === undefined || a === b ? b : "partly";
}

function verdictOf(relations: ClaimRelation[]): ClaimVerdict {
  if (relations.length === 0) return "untested";
  if (relations.every((r) => r === "confirms")) return "confirmed";
  if (relations.every((r) => r === "refutes")) return "refuted";
  return "partly";
}
