// Results built here for the reporters' unit tests (no backend): a step's expectation is written as a
// case file writes it after "=>" and read by the case loader's own parser, so these tests say what a
// reporter prints for a case's expectation, whatever form StepResult carries it in.
import type { KernelInfo } from "../../lab/kernel-info";
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

/** The two kernels the reporters' sessions run on. */
export const host: KernelInfo = { id: "host", release: "6.18.44" };
export const old: KernelInfo = { id: "5.10", release: "5.10.0-46-cloud-amd64" };
export const kernels: KernelInfo[] = [host, old];

/** A run of case `id`'s variant on `kernel`, with no step yet: the reporter tests add its outcome. */
export const runOf = (id: string, kernel = "host", { variant = "v", durationMs = 1500 } = {}) => ({
  id: `${id}.${variant}@${kernel}`,
  case: id,
  variant,
  kernel,
  durationMs,
  steps: [] as StepResult[],
});

/** The failure of a step that expected ok and saw EADDRINUSE (the step stepResult("ok", …) builds). */
export const disagreement = {
  file: "cases/c.yaml",
  line: 9,
  actor: "b",
  call: "bind udp 0.0.0.0:53",
  message: "expected ok but got -1 EADDRINUSE",
};
