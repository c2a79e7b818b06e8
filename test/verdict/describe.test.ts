// Expectations, observations, failures and outcomes in words: what every reporter prints.
import test from "ava";
import { describeExpectation, describeRange, describeStates, exactly, inRange } from "../../lab/verdict/expectation";
import { describeObservation } from "../../lab/verdict/observation";
import { formatFailure, isBad, type RunResult } from "../../lab/verdict/outcome";

test("ranges: both ends are inside; one number when they are equal", (t) => {
  t.true(inRange(25, { min: 25, max: 75 }));
  t.true(inRange(75, { min: 25, max: 75 }));
  t.false(inRange(24, { min: 25, max: 75 }));
  t.false(inRange(76, { min: 25, max: 75 }));
  t.deepEqual(exactly(3), { min: 3, max: 3 });
  t.is(describeRange({ min: 25, max: 75 }), "25..75");
  t.is(describeRange(exactly(20)), "20");
});

test("each expectation kind in the words of the case file", (t) => {
  t.is(describeExpectation({ kind: "ok" }), "ok");
  t.is(describeExpectation({ kind: "errno", name: "EADDRINUSE" }), "EADDRINUSE");
  t.is(describeExpectation({ kind: "count", range: { min: 25, max: 75 } }), "25..75");
  t.is(describeExpectation({ kind: "killed" }), "killed");
  t.is(describeExpectation({ kind: "states", states: { LISTEN: 1 } }), "LISTEN");
  t.is(
    describeExpectation({ kind: "group", total: exactly(200), each: { min: 30, max: 70 }, one: 0, fair: true }),
    "total 200, each 30..70, one 0, fair",
  );
  t.is(describeExpectation({ kind: "group", one: 50 }), "one 50");
  t.is(describeExpectation({ kind: "group" }), "");
});

test("states: sorted by name, none as 'none', a state held by more than two sockets as STATE*n", (t) => {
  t.is(describeStates({}), "none");
  t.is(describeStates({ LISTEN: 0 }), "none");
  t.is(describeStates({ TIME_WAIT: 1, FIN_WAIT2: 1 }), "FIN_WAIT2 TIME_WAIT");
  t.is(describeStates({ ESTABLISHED: 2 }), "ESTABLISHED ESTABLISHED");
  t.is(describeStates({ ESTABLISHED: 3, CLOSE_WAIT: 1 }), "CLOSE_WAIT ESTABLISHED*3");
});

test("observations: an error first, then how the process ended, the errno, the counts, the states, the count, the return", (t) => {
  const base = { ret: 0, errno: null, trace: [] };
  t.is(describeObservation({ ...base, error: "gone", errno: "EPERM" }), "error: gone");
  t.is(describeObservation({ ...base, exit: { code: null, signal: "SIGKILL" }, errno: "EPERM" }), "killed by SIGKILL");
  t.is(describeObservation({ ...base, exit: { code: 3, signal: null } }), "exited with code 3");
  t.is(describeObservation({ ...base, ret: -1, errno: "EADDRINUSE", count: 4 }), "-1 EADDRINUSE");
  t.is(describeObservation({ ...base, counts: { a: 1, b: 2 }, count: 3, states: { LISTEN: 1 } }), "1/2 (total 3)");
  t.is(describeObservation({ ...base, counts: { a: 0 } }), "0 (total 0)");
  t.is(describeObservation({ ...base, states: {}, count: 2 }), "none");
  t.is(describeObservation({ ...base, count: 0 }), "0");
  t.is(describeObservation({ ...base, ret: 7 }), "ok (ret 7)");
  t.is(describeObservation({ ...base, ret: null }), "nothing");
  const fairness = { mean: 1, maxDeviationPct: 5, chiSquare: 0.5, degreesOfFreedom: 1, pValue: 0.48, fair: true };
  t.is(
    describeObservation({ ...base, counts: { a: 1, b: 1 }, count: 2, fairness }, true),
    "1/1 (total 2, max deviation 5%, chi-square 0.5, p=0.48)",
  );
  t.is(describeObservation({ ...base, counts: { a: 1, b: 1 }, count: 2, fairness }), "1/1 (total 2)");
});

test("a failure names file and line, then the actor and its call when there are", (t) => {
  t.is(
    formatFailure({
      file: "cases/x.yaml",
      line: 14,
      actor: "attacker",
      call: "bind udp $victim:5353",
      message: "expected ok but got -1 EADDRINUSE",
    }),
    "cases/x.yaml:14: attacker: bind udp $victim:5353: expected ok but got -1 EADDRINUSE",
  );
  t.is(
    formatFailure({ file: "cases/x.yaml", line: 14, actor: "attacker", message: "m" }),
    "cases/x.yaml:14: attacker: m",
  );
  t.is(
    formatFailure({ file: "cases/x.yaml", line: 1, call: "ignored without an actor", message: "the lab failed" }),
    "cases/x.yaml:1: the lab failed",
  );
});

test("only a failure and an unexpected pass of a known failure are bad", (t) => {
  const base = { id: "a", case: "a", variant: "v", kernel: "host", durationMs: 1, steps: [] };
  const results: RunResult[] = [
    { ...base, outcome: "passed" },
    { ...base, outcome: "failed", failures: [] },
    { ...base, outcome: "skipped", reason: "r" },
    { ...base, outcome: "xfail", reason: "r", failures: [] },
    { ...base, outcome: "xpass", reason: "r" },
  ];
  t.deepEqual(
    results.map((r) => [r.outcome, isBad(r)]),
    [
      ["passed", false],
      ["failed", true],
      ["skipped", false],
      ["xfail", false],
      ["xpass", true],
    ],
  );
});
