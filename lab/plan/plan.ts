import type { KernelInfo } from "../kernel-info";
import type { AllowEntry } from "../case/allowlist";
import type { Case, CaseStep, CaseVariant } from "../case/case";
import { describeSelector, matchesKernel } from "../case/kernel-selector";
import type { Expectation } from "../verdict/expectation";

/** One cell of the matrix: a variant of a case on a kernel. Its id is stable across runs. */
export interface PlannedRun {
  id: string;
  case: Case;
  variant: CaseVariant;
  kernel: KernelInfo;
  /** Set when the kernel lacks what the case requires: the run is reported as skipped, with this. */
  skip?: string;
  /** Set when the known-bugs allowlist names this regression case on this kernel: a failure is then xfail. */
  allowed?: AllowEntry;
}

/** What a step expects on this kernel: its first matching per-kernel expectation, else its own. */
export function expectationFor(step: CaseStep, kernel: KernelInfo): Expectation {
  return step.byKernel.find((k) => matchesKernel(k.selector, kernel))?.expect ?? step.expect;
}

export function runId(caseId: string, variant: string, kernel: string): string {
  return `${caseId}.${variant}@${kernel}`;
}

export interface Selection {
  /** Keep the runs whose id contains any of these. */
  filter?: readonly string[];
  /** Keep the cases that carry any of these tags. */
  tags?: readonly string[];
  /** Cases tagged "slow" (those that wait out real timers) run only when asked for. */
  slow?: boolean;
}

export const SLOW_TAG = "slow";

/** Variants × kernels, in case order, of the selected cases; `allow` is the known-bugs allowlist. */
export function plan(
  cases: readonly Case[],
  kernels: readonly KernelInfo[],
  { filter = [], tags = [], slow = false }: Selection = {},
  allow: readonly AllowEntry[] = [],
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const c of cases) {
    if (tags.length && !tags.some((t) => c.tags.includes(t))) continue;
    if (c.tags.includes(SLOW_TAG) && !slow && !tags.includes(SLOW_TAG)) continue;
    for (const variant of c.variants) {
      for (const kernel of kernels) {
        const id = runId(c.id, variant.name, kernel.id);
        if (filter.length && !filter.some((f) => id.includes(f))) continue;
        const unmet = variant.requires.find((r) => !matchesKernel(r.kernel, kernel));
        const skip =
          unmet && `needs a kernel ${describeSelector(unmet.kernel)} (this is ${kernel.release}): ${unmet.because}`;
        const allowed = allow.find((a) => a.case === c.id && a.kernel === kernel.id);
        runs.push({ id, case: c, variant, kernel, ...(skip ? { skip } : {}), ...(allowed ? { allowed } : {}) });
      }
    }
  }
  return runs;
}
