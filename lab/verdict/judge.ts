import { asksFairness, describeExpectation, inRange, type Expectation } from "./expectation";
import { describeObservation, type Observation } from "./observation";

export type Judgement = { ok: true } | { ok: false; message: string };

/** Compares what a step expected with what the kernel did. Pure: no I/O, no formatting of output. */
export function judge(expect: Expectation, seen: Observation): Judgement {
  if (!seen.error && matches(expect, seen)) return { ok: true };
  return {
    ok: false,
    message: `expected ${describeExpectation(expect)} but got ${describeObservation(seen, asksFairness(expect))}`,
  };
}

function matches(expect: Expectation, seen: Observation): boolean {
  switch (expect.kind) {
    case "ok":
      return seen.errno === null && seen.ret !== null && seen.ret >= 0;
    case "errno":
      return seen.errno === expect.name;
    case "count":
      return seen.errno === null && seen.count !== undefined && inRange(seen.count, expect.range);
    case "killed":
      return seen.exit?.signal === "SIGKILL";
    case "states":
      return seen.errno === null && seen.states !== undefined && sameCounts(expect.states, seen.states);
    case "group":
      return seen.errno === null && seen.counts !== undefined && groupMatches(expect, Object.values(seen.counts), seen);
  }
}

function groupMatches(e: Extract<Expectation, { kind: "group" }>, counts: number[], seen: Observation): boolean {
  const total = counts.reduce((a, b) => a + b, 0);
  if (e.total && !inRange(total, e.total)) return false;
  if (e.each && !counts.every((c) => inRange(c, e.each!))) return false;
  if (
    e.one !== undefined &&
    !(counts.filter((c) => c === e.one).length === 1 && counts.filter((c) => c !== 0).length === 1)
  )
    return false;
  if (e.fair && !seen.fairness?.fair) return false;
  return true;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}
