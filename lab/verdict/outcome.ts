/** What a run came to. Each outcome carries only what is legal in it: a failure its evidence, a skip its reason. */
import type { Expectation } from "./expectation";
import type { Observation } from "./observation";

/** One step's result as the JSON results (schema 1) write it: `expected` is the expectation in words. */
export interface StepRecord {
  file: string;
  line: number;
  actor: string;
  call: string;
  expected: string;
  observed: Observation;
  ok: boolean;
}

/** One step's result as the engine gives it to reporters: the record, with what was expected as data. */
export interface StepResult extends StepRecord {
  expectation: Expectation;
  /** The step's kind: the verb of its call ("bind", "recv"). */
  verb: string;
}

/** "cases/x.yaml:14: attacker: bind udp $victim:5353: expected ok but got -1 EADDRINUSE" */
export interface Failure {
  file: string;
  line: number;
  actor?: string;
  call?: string;
  message: string;
}

interface RunBase<S extends StepRecord> {
  id: string;
  case: string;
  variant: string;
  kernel: string;
  durationMs: number;
  steps: S[];
}

type RunOf<S extends StepRecord> = RunBase<S> &
  (
    | { outcome: "passed" }
    | { outcome: "failed"; failures: Failure[] }
    | { outcome: "skipped"; reason: string }
    | { outcome: "xfail"; reason: string; failures: Failure[] }
    | { outcome: "xpass"; reason: string }
  );

/** A run as the engine gives it to reporters. */
export type RunResult = RunOf<StepResult>;
/** A run as the JSON results (schema 1) write it. */
export type RunRecord = RunOf<StepRecord>;

/** The run as the JSON results write it: each step without its typed fields, every other field as it is, in its place. */
export function runRecord(r: RunResult): RunRecord {
  return {
    ...r,
    steps: r.steps.map(({ file, line, actor, call, expected, observed, ok }) => ({
      file,
      line,
      actor,
      call,
      expected,
      observed,
      ok,
    })),
  };
}

export type Outcome = RunResult["outcome"];

/** Outcomes that make the lab exit non-zero: a failure, and a known failure that no longer fails. */
export function isBad(r: RunResult): boolean {
  return r.outcome === "failed" || r.outcome === "xpass";
}

export function formatFailure(f: Failure): string {
  const who = f.actor ? `${f.actor}: ${f.call ? `${f.call}: ` : ""}` : "";
  return `${f.file}:${f.line}: ${who}${f.message}`;
}
