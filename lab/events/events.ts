/** The engine speaks only in these events; reporters listen and format. */
import type { KernelInfo } from "../kernel-info";
import type { PlannedRun } from "../plan/plan";
import type { Claim } from "../case/claims";
import type { ClaimAudit } from "../findings/claims-audit";
import type { KnownBugs } from "../findings/known-bugs";
import type { RunResult, StepResult } from "../verdict/outcome";

export type LabEvent =
  | {
      type: "session-started";
      backend: string;
      kernels: KernelInfo[];
      runs: readonly PlannedRun[];
      leftoversRemoved: Record<string, number>;
    }
  | { type: "run-started"; run: PlannedRun }
  | { type: "step-finished"; run: PlannedRun; step: StepResult }
  | { type: "run-finished"; run: PlannedRun; result: RunResult }
  | {
      type: "session-finished";
      kernels: KernelInfo[];
      results: RunResult[];
      /** The seed guide's claims and the audit of them, per kernel. */
      claims: readonly Claim[];
      audit: ClaimAudit[];
      /** Per kernel, whether each regression case's fix is present, and the allowlist entries found stale. */
      knownBugs: KnownBugs;
      durationMs: number;
      interrupted: boolean;
    };

export interface Reporter {
  onEvent(event: LabEvent): void;
  /** Called once after the last event: a reporter that writes files finishes them here. */
  close?(): Promise<void>;
}

export class EventBus {
  private readonly reporters: Reporter[] = [];

  add(reporter: Reporter): this {
    this.reporters.push(reporter);
    return this;
  }

  emit(event: LabEvent): void {
    for (const r of this.reporters) r.onEvent(event);
  }

  async close(): Promise<void> {
    for (const r of this.reporters) await r.close?.();
  }
}
