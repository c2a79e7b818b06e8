import { describeExpectation, type Expectation } from "./expectation";
import { describeObservation, type Observation } from "./observation";

export type Judgement = { ok: true } | { ok: false; message: string };

/** Compares what a step expected with what the kernel did. Pure: no I/O, no formatting of output. */
export function judge(expect: Expectation, seen: Observation): Judgement {
  if (!seen.error && matches(expect, seen)) return { ok: true };
  return { ok: false, message: `expected ${describeExpectation(expect)} but got ${describeObservation(seen)}` };
}

function matches(expect: Expectation, seen: Observation): boolean {
  switch (expect.kind) {
    case "ok":
      return seen.errno === null && seen.ret !== null && seen.ret >= 0;
    case "errno":
      return seen.errno === expect.name;
    case "count":
      return seen.errno === null && seen.count === expect.value;
    case "killed":
      return seen.exit?.signal === "SIGKILL";
    case "states":
      return seen.errno === null && seen.states !== undefined && sameCounts(expect.states, seen.states);
  }
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}
