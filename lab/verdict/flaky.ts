/**
 * Repetitions of the same catalogue: a run whose outcome is not the same in every repetition is flaky.
 * The kernel is deterministic about the rules the cases check, so a flip means a race in the lab or a
 * case that leans on timing, and either is worth a look.
 */
import type { Outcome, RunResult } from "./outcome";

export interface Flaky {
  id: string;
  /** The run's outcome in each repetition, in order; undefined where it did not run (interrupted). */
  outcomes: (Outcome | undefined)[];
}

export function flakyRuns(repetitions: readonly (readonly RunResult[])[]): Flaky[] {
  const ids = [...new Set(repetitions.flatMap((rep) => rep.map((r) => r.id)))];
  const outcomeIn = repetitions.map((rep) => new Map(rep.map((r) => [r.id, r.outcome])));
  return ids
    .map((id) => ({ id, outcomes: outcomeIn.map((m) => m.get(id)) }))
    .filter((f) => new Set(f.outcomes.filter((o) => o !== undefined)).size > 1);
}
