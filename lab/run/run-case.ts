/** Runs one planned run: starts its lab, sends each step to its actor, judges each answer. */
import type { Backend } from "../backend/backend";
import type { AllowEntry } from "../case/allowlist";
import { LabError } from "../errors";
import { errorText } from "../steps/calls";
import { groupVerbs, performStep } from "../steps";
import type { EventBus } from "../events/events";
import { expectationFor, type PlannedRun } from "../plan/plan";
import { describeExpectation } from "../verdict/expectation";
import { judge } from "../verdict/judge";
import { performGroup } from "./group-step";
import { Ledger } from "./ledger";
import type { Failure, RunResult, StepResult } from "../verdict/outcome";

/**
 * How counting steps prove that nothing more comes: by the kernel's accounting where it closes (a timer
 * where it does not), or always by waiting out their timers (the slow path the accounting is tested
 * against).
 */
export type ZeroProof = "accounting" | "timer";

export async function runCase(
  run: PlannedRun,
  backend: Backend,
  bus: EventBus,
  signal?: AbortSignal,
  zeros: ZeroProof = "accounting",
): Promise<RunResult> {
  const started = Date.now();
  const base = { id: run.id, case: run.case.id, variant: run.variant.name, kernel: run.kernel.id };
  bus.emit({ type: "run-started", run });
  if (run.skip !== undefined) {
    const result: RunResult = { ...base, durationMs: 0, steps: [], outcome: "skipped", reason: run.skip };
    bus.emit({ type: "run-finished", run, result });
    return result;
  }
  const steps: StepResult[] = [];
  const failures: Failure[] = [];
  // Once interrupted, the lab is being torn down under the run: what it answers then is not the kernel's verdict.
  let interrupted = false;
  try {
    await using lab = await backend.start(
      { runId: run.id, actors: run.variant.actors, namespaces: run.variant.namespaces },
      run.kernel,
    );
    const counts = run.variant.steps.some((s) => groupVerbs().includes((s.members ? s.members[0]!.step : s.step).kind));
    const ledger = zeros === "accounting" && counts ? await Ledger.open(lab, run.variant) : undefined;
    for (const s of run.variant.steps) {
      if ((interrupted = signal?.aborted ?? false)) break;
      const expect = expectationFor(s, run.kernel);
      const observed = s.members
        ? await performGroup(s, expect, lab, ledger?.settle)
        : await performStep(s.step, lab.actor(s.actor), expect, ledger?.settle);
      if ((interrupted = signal?.aborted ?? false)) break;
      const verdict = judge(expect, observed);
      const verb = s.members ? s.members[0]!.step.kind : s.step.kind;
      const result: StepResult = {
        file: s.source.file,
        line: s.source.line,
        actor: s.actor,
        call: s.text,
        expected: describeExpectation(expect),
        observed,
        ok: verdict.ok,
        expectation: expect,
        verb,
      };
      steps.push(result);
      bus.emit({ type: "step-finished", run, step: result });
      if (!verdict.ok)
        failures.push({
          file: s.source.file,
          line: s.source.line,
          actor: s.actor,
          call: s.text,
          message: verdict.message,
        });
    }
  } catch (e) {
    interrupted ||= signal?.aborted ?? false;
    // An engine that does not answer is no verdict on this case, and would fail every later run alike.
    if (!interrupted && e instanceof LabError && e.code === "REUSELAB_ENGINE_HUNG") throw e;
    if (!interrupted) failures.push({ file: run.case.file, line: 1, message: `the lab failed: ${errorText(e)}` });
  }
  const durationMs = Date.now() - started;
  const result: RunResult = interrupted
    ? { ...base, durationMs, steps, outcome: "skipped", reason: "interrupted before it finished" }
    : outcomeOf(run, { ...base, durationMs, steps }, failures);
  bus.emit({ type: "run-finished", run, result });
  return result;
}

function outcomeOf(run: PlannedRun, base: Omit<RunResult, "outcome">, failures: Failure[]): RunResult {
  const xfail = run.case.xfail;
  if (xfail !== undefined)
    return failures.length
      ? { ...base, outcome: "xfail", reason: xfail, failures }
      : { ...base, outcome: "xpass", reason: xfail };
  // A fix the allowlist says this kernel lacks: the kernel's disagreement is the known absence (a lab
  // that could not run the trigger is no such evidence, and stays a failure). Its pass is not an xpass
  // (the kernel has the fix after all): the known-bugs report calls the entry stale.
  if (failures.length && failures.every((f) => f.actor) && run.allowed && run.case.fix)
    return { ...base, outcome: "xfail", reason: allowedReason(run.allowed, run.case.fix.commit), failures };
  return failures.length ? { ...base, outcome: "failed", failures } : { ...base, outcome: "passed" };
}

/** "bullseye's 5.10 lacks it; fix d6ace0dbcbb7 absent (allowed by cases/regressions/allowlist.yaml:4)" */
export function allowedReason(entry: AllowEntry, commit: string): string {
  return `${entry.reason}; fix ${commit} absent (allowed by ${entry.source.file}:${entry.source.line})`;
}
