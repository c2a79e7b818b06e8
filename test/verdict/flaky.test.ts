import test from "ava";
import { flakyRuns } from "../../lab/verdict/flaky";
import type { Outcome, RunResult } from "../../lab/verdict/outcome";

const r = (id: string, outcome: Outcome): RunResult =>
  ({
    id,
    case: id,
    variant: "v",
    kernel: "host",
    durationMs: 1,
    steps: [],
    ...(outcome === "failed" || outcome === "xfail"
      ? { outcome, reason: "r", failures: [] }
      : { outcome, reason: "r" }),
  }) as RunResult;

test("a run is flaky when its outcome differs between repetitions; one that did not run does not count as a change", (t) => {
  const flaky = flakyRuns([
    [r("steady", "passed"), r("flips", "passed"), r("gone", "failed"), r("late", "passed")],
    [r("steady", "passed"), r("flips", "failed"), r("late", "passed")],
    [r("steady", "passed"), r("flips", "passed"), r("gone", "failed"), r("new", "skipped"), r("late", "xfail")],
  ]);
  t.deepEqual(flaky, [
    { id: "flips", outcomes: ["passed", "failed", "passed"] },
    { id: "late", outcomes: ["passed", "passed", "xfail"] },
  ]);
  t.deepEqual(flakyRuns([]), []);
  t.deepEqual(flakyRuns([[r("a", "passed")]]), []);
});
