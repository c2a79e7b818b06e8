// The JSON results (schema 1) keep each step as it always was; the engine's runs carry the expectation
// as data besides. A run written and read back (reuselab merge) is the run the engine gave.
import test from "ava";
import { runFromRecord } from "../../lab/report/merge-results";
import { describeExpectation, type Expectation } from "../../lab/verdict/expectation";
import { runRecord, type RunResult, type StepResult } from "../../lab/verdict/outcome";

const step = (verb: string, call: string, expectation: Expectation, observed: StepResult["observed"]): StepResult => ({
  file: "cases/c.yaml",
  line: 9,
  actor: "w",
  call,
  expected: describeExpectation(expectation),
  observed,
  ok: true,
  expectation,
  verb,
});

const run: RunResult = {
  id: "c.v@host",
  case: "c",
  variant: "v",
  kernel: "host",
  durationMs: 12,
  outcome: "passed",
  steps: [
    step("bind", "bind udp 0.0.0.0:53 reuseport", { kind: "ok" }, { ret: 0, errno: null, trace: [] }),
    step(
      "bind",
      "bind udp 0.0.0.0:53",
      { kind: "errno", name: "EADDRINUSE" },
      { ret: -1, errno: "EADDRINUSE", trace: [] },
    ),
    step(
      "recv",
      "recv within 500",
      { kind: "count", range: { min: 25, max: 75 } },
      { ret: 40, errno: null, count: 40, trace: [] },
    ),
    step(
      "tcp-states",
      "tcp-states 8080",
      { kind: "states", states: { ESTABLISHED: 8, TIME_WAIT: 1 } },
      { ret: 0, errno: null, states: { ESTABLISHED: 8, TIME_WAIT: 1 }, trace: [] },
    ),
    step(
      "crash",
      "crash",
      { kind: "killed" },
      { ret: null, errno: null, exit: { code: null, signal: "SIGKILL" }, trace: [] },
    ),
    step(
      "recv",
      "recv",
      { kind: "group", total: { min: 200, max: 200 }, each: { min: 30, max: 70 }, fair: true },
      { ret: 200, errno: null, count: 200, counts: { a: 100, b: 100 }, trace: [] },
    ),
    step(
      "accept",
      "accept 4",
      { kind: "group", one: 4 },
      { ret: 4, errno: null, count: 4, counts: { a: 4, b: 0 }, trace: [] },
    ),
  ],
};

test("a step of the JSON results has schema 1's fields only, in schema 1's order", (t) => {
  const written = JSON.parse(JSON.stringify(runRecord(run))) as Record<string, unknown> & {
    steps: Record<string, unknown>[];
  };
  t.deepEqual(Object.keys(written), ["id", "case", "variant", "kernel", "durationMs", "outcome", "steps"]);
  for (const s of written.steps)
    t.deepEqual(Object.keys(s), ["file", "line", "actor", "call", "expected", "observed", "ok"]);
  t.deepEqual(
    written.steps.map((s) => s.expected),
    ["ok", "EADDRINUSE", "25..75", "ESTABLISHED*8 TIME_WAIT", "killed", "total 200, each 30..70, fair", "one 4"],
  );
});

test("a run read back from the JSON results has its expectations and verbs as data again", (t) => {
  t.deepEqual(runFromRecord(JSON.parse(JSON.stringify(runRecord(run)))), run);
});
