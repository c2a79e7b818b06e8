// Results built here for the reporters' unit tests (no backend): a step's expectation is written as a
// case file writes it after "=>" and read by the case loader's own parser, so these tests say what a
// reporter prints for a case's expectation, whatever form StepResult carries it in.
import { parseExpectation } from "../../lab/case/expectation-syntax";
import { describeExpectation } from "../../lab/verdict/expectation";
import type { Observation } from "../../lab/verdict/observation";
import type { StepResult } from "../../lab/verdict/outcome";

const GROUP = /^(total|each|one|fair)\b/;

/** A step of cases/c.yaml that expected `expect` ("ok", "EADDRINUSE", "20", "total 200, fair", …) and saw `observed`. */
export function stepResult(
  expect: string,
  observed: Partial<Observation>,
  at: { line?: number; actor?: string; call?: string; ok?: boolean } = {},
): StepResult {
  const e = parseExpectation(expect, GROUP.test(expect) ? ["group"] : ["ok", "errno", "count", "states", "killed"]);
  return {
    file: "cases/c.yaml",
    line: at.line ?? 9,
    actor: at.actor ?? "b",
    call: at.call ?? "bind udp 0.0.0.0:53",
    expected: describeExpectation(e),
    expectation: e,
    verb: (at.call ?? "bind udp 0.0.0.0:53").split(" ")[0]!,
    observed: { ret: null, errno: null, trace: [], ...observed },
    ok: at.ok ?? true,
  };
}
