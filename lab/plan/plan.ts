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

/** Variants × kernels, in case order; `filter` keeps the runs whose id contains any of its words. */
export function plan(cases: readonly Case[], kernels: readonly KernelInfo[], filter: readonly string[] = []): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const c of cases) {
    for (const variant of c.variants) {
      for (const kernel of kernels) {
        const id = runId(c.id, variant.name, kernel.id);
        if (filter.length === 0 || filter.some((f) => id.includes(f))) runs.push({ id, case: c, variant, kernel });
      }
    }
  }
  return runs;
}
