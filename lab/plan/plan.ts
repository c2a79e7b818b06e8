import type { KernelInfo } from "../backend/backend";
import type { Case, CaseVariant } from "../case/case";

/** One cell of the matrix: a variant of a case on a kernel. Its id is stable across runs. */
export interface PlannedRun {
  id: string;
  case: Case;
  variant: CaseVariant;
  kernel: KernelInfo;
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

/** Variants × kernels, in case order, of the selected cases. */
export function plan(cases: readonly Case[], kernels: readonly KernelInfo[], { filter = [], tags = [], slow = false }: Selection = {}): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const c of cases) {
    if (tags.length && !tags.some((t) => c.tags.includes(t))) continue;
    if (c.tags.includes(SLOW_TAG) && !slow && !tags.includes(SLOW_TAG)) continue;
    for (const variant of c.variants) {
      for (const kernel of kernels) {
        const id = runId(c.id, variant.name, kernel.id);
        if (filter.length === 0 || filter.some((f) => id.includes(f))) runs.push({ id, case: c, variant, kernel });
      }
    }
  }
  return runs;
}
