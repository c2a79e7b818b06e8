// The console for --repeat N (lab/report/repeat-reporter.ts) on repetitions built here: one head line,
// a line per repetition with each failure in it, then the runs that changed verdict, those that failed
// every time, and the verdict of the whole.
import test from "ava";
import type { KernelInfo } from "../../lab/kernel-info";
import { EventBus, type LabEvent } from "../../lab/events/events";
import { RepeatReporter } from "../../lab/report/repeat-reporter";
import type { RunResult } from "../../lab/verdict/outcome";

const kernels: KernelInfo[] = [{ id: "host", release: "6.18.44" }];
const base = (id: string) => ({ id, case: id.split(".")[0]!, variant: "v", kernel: "host", durationMs: 1, steps: [] });
const failure = {
  file: "cases/c.yaml",
  line: 9,
  actor: "b",
  call: "bind udp 0.0.0.0:53",
  message: "expected ok but got -1 EADDRINUSE",
};
const pass = (id: string): RunResult => ({ ...base(id), outcome: "passed" });
const fail = (id: string): RunResult => ({ ...base(id), outcome: "failed", failures: [failure] });
const xpass = (id: string): RunResult => ({ ...base(id), outcome: "xpass", reason: "was broken" });
const started: LabEvent = { type: "session-started", backend: "netns", kernels, runs: [], leftoversRemoved: {} };
const finished = (results: RunResult[], interrupted = false): LabEvent => ({
  type: "session-finished",
  kernels,
  results,
  claims: [],
  audit: [],
  knownBugs: { kernels: {}, staleAllowlist: [] },
  durationMs: 2500,
  interrupted,
});

async function repeated(times: number, events: LabEvent[], color = false): Promise<string> {
  let out = "";
  const bus = new EventBus().add(new RepeatReporter(times, { write: (s) => (out += s), color }));
  for (const e of events) bus.emit(e);
  await bus.close();
  return out;
}

test("runs that keep their verdict: the head once, a line per repetition, and the verdict", async (t) => {
  const out = await repeated(2, [
    { ...started, runs: [] },
    finished([pass("a.v@host")]),
    started,
    finished([pass("a.v@host")]),
  ]);
  t.is(
    out,
    "reuselab: 0 runs, 2 times each, on the netns backend, kernel host (6.18.44)\nrepetition 1/2: 1 passed, 0 failed in 2.5 s\nrepetition 2/2: 1 passed, 0 failed in 2.5 s\n2 repetitions of 1 run: every run kept its verdict\n",
  );
});

test("a flaky run, one that failed every time and an xpass: each failure under its repetition, the flips in a table, the verdict", async (t) => {
  const out = await repeated(3, [
    finished([pass("a.v@host"), fail("b.v@host"), xpass("c.v@host")]),
    finished([fail("a.v@host"), fail("b.v@host"), xpass("c.v@host")]),
    finished([pass("a.v@host"), fail("b.v@host")], true),
  ]);
  t.is(
    out,
    [
      "repetition 1/3: 1 passed, 1 failed, 1 xpass in 2.5 s",
      "  FAIL  b.v@host: cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
      "  XPASS c.v@host: expected to fail (was broken) but passed",
      "repetition 2/3: 0 passed, 2 failed, 1 xpass in 2.5 s",
      "  FAIL  a.v@host: cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
      "  FAIL  b.v@host: cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
      "  XPASS c.v@host: expected to fail (was broken) but passed",
      "repetition 3/3: 1 passed, 1 failed in 2.5 s (interrupted)",
      "  FAIL  b.v@host: cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
      "",
      "flaky: 1 of 3 runs changed verdict over 3 repetitions",
      "  run       outcome in each repetition",
      "  a.v@host  pass FAIL pass",
      "",
      "failed in every repetition: b.v@host, c.v@host",
      "3 repetitions of 3 runs: 1 flaky, 2 failed every time",
      "",
    ].join("\n"),
  );
});

test("a run missing from a repetition shows a dash; an outcome that did not change with it is not a flip", async (t) => {
  const out = await repeated(2, [
    finished([pass("a.v@host"), pass("b.v@host")]),
    finished([pass("a.v@host"), fail("b.v@host")]),
  ]);
  t.true(out.includes("\n  b.v@host  pass FAIL\n"), out);
  const gone = await repeated(2, [
    finished([pass("a.v@host"), fail("b.v@host")]),
    finished([{ ...base("b.v@host"), outcome: "skipped", reason: "interrupted" }], true),
  ]);
  t.true(
    gone.includes(
      "flaky: 1 of 2 runs changed verdict over 2 repetitions\n  run       outcome in each repetition\n  b.v@host  FAIL skip\n",
    ),
    gone,
  );
  t.true(gone.endsWith("2 repetitions of 2 runs: 1 flaky, 0 failed every time\n"), gone);
  const dash = await repeated(2, [
    finished([pass("a.v@host"), pass("b.v@host")]),
    finished([pass("a.v@host")]),
    finished([fail("b.v@host")]),
  ]);
  t.true(dash.includes("  b.v@host  pass - FAIL\n"), dash);
});

test("in colour: labels and cells in their outcome's colour, flaky yellow, failed every time red", async (t) => {
  const out = await repeated(
    2,
    [finished([pass("a.v@host"), fail("b.v@host")]), finished([fail("a.v@host"), fail("b.v@host")])],
    true,
  );
  t.true(out.includes("  \x1b[31mFAIL \x1b[39m b.v@host: "), out);
  t.true(out.includes("\x1b[33mflaky: 1 of 2 runs changed verdict over 2 repetitions\x1b[39m"), out);
  t.true(out.includes("\x1b[32mpass\x1b[39m \x1b[31mFAIL\x1b[39m"), out);
  t.true(out.includes("\x1b[31mfailed in every repetition: b.v@host\x1b[39m"), out);
});

test("one repetition of one run, and no repetition at all", async (t) => {
  t.is(
    await repeated(1, [finished([pass("a.v@host")])]),
    "repetition 1/1: 1 passed, 0 failed in 2.5 s\n1 repetition of 1 run: every run kept its verdict\n",
  );
  t.is(await repeated(1, []), "0 repetitions of 0 runs: every run kept its verdict\n");
});
