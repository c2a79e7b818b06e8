/**
 * The case × kernel matrix: one row per case variant, one cell per kernel. A row "differs" when the
 * kernels do not all behave alike: different outcomes, or steps that expect something else on some
 * kernel (a per-kernel expectation), or a run skipped on some kernel for a missing feature.
 */
import type { KernelInfo } from "../kernel-info";
import { describeObservation } from "../verdict/observation";
import type { Outcome, RunResult, StepResult } from "../verdict/outcome";

export interface MatrixRow {
  /** case.variant */
  id: string;
  cells: Record<string, RunResult | undefined>;
  differs: boolean;
  /** Why the row differs, per kernel, in words. */
  notes: string[];
}

export function buildMatrix(results: readonly RunResult[], kernels: readonly KernelInfo[]): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  for (const r of results) {
    const id = `${r.case}.${r.variant}`;
    const row = rows.get(id) ?? { id, cells: {}, differs: false, notes: [] };
    row.cells[r.kernel] = r;
    rows.set(id, row);
  }
  for (const row of rows.values()) {
    const present = kernels.map((k) => row.cells[k.id]).filter((c): c is RunResult => c !== undefined);
    const outcomes = new Set(present.map((c) => c.outcome));
    const expectations = new Set(
      present.filter((c) => c.outcome !== "skipped").map((c) => c.steps.map((s) => s.expected).join("|")),
    );
    row.differs = outcomes.size > 1 || expectations.size > 1;
    if (!row.differs) continue;
    for (const c of present) {
      if (c.outcome === "skipped") row.notes.push(`${c.kernel}: skipped, ${c.reason}`);
      else if (c.outcome === "failed") row.notes.push(`${c.kernel}: failed, ${c.failures[0]?.message ?? ""}`);
    }
    if (expectations.size > 1) {
      const first = present.find((c) => c.outcome !== "skipped");
      for (const c of present) {
        if (c === first || c.outcome === "skipped") continue;
        c.steps.forEach((s, i) => {
          const other = first?.steps[i];
          if (other && other.expected !== s.expected)
            row.notes.push(`line ${s.line}: ${first!.kernel} ${seen(other)}, ${c.kernel} ${seen(s)}`);
        });
      }
    }
  }
  return [...rows.values()];
}

/** "200" or "118 (expected 40..160)": what the kernel did, with the expectation when it was a range. */
function seen(s: StepResult): string {
  const got = describeObservation(s.observed);
  return got === s.expected ? got : `${got} (expected ${s.expected})`;
}

export const CELL: Record<Outcome, string> = {
  passed: "pass",
  failed: "FAIL",
  skipped: "skip",
  xfail: "xfail",
  xpass: "XPASS",
};
