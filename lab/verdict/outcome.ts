/** What a run came to. Each outcome carries only what is legal in it: a failure its evidence, a skip its reason. */
import type { Observation } from "./observation";

export interface StepResult {
  file: string;
  line: number;
  actor: string;
  call: string;
  expected: string;
  observed: Observation;
  ok: boolean;
}

/** "cases/x.yaml:14: attacker: bind udp $victim:5353: expected ok but got -1 EADDRINUSE" */
export interface Failure {
  file: string;
  line: number;
  actor?: string;
  call?: string;
  message: string;
}

interface RunBase {
  id: string;
  case: string;
  variant: string;
  kernel: string;
  durationMs: number;
  steps: StepResult[];
}

export type RunResult = RunBase &
  (
    | { outcome: "passed" }
    | { outcome: "failed"; failures: Failure[] }
    | { outcome: "skipped"; reason: string }
    | { outcome: "xfail"; reason: string; failures: Failure[] }
    | { outcome: "xpass"; reason: string }
  );

export type Outcome = RunResult["outcome"];

/** Outcomes that make the lab exit non-zero: a failure, and a known failure that no longer fails. */
export function isBad(r: RunResult): boolean {
  return r.outcome === "failed" || r.outcome === "xpass";
}

export function formatFailure(f: Failure): string {
  const who = f.actor ? `${f.actor}: ${f.call ? `${f.call}: ` : ""}` : "";
  return `${f.file}:${f.line}: ${who}${f.message}`;
}
