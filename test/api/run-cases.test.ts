/**
 * runCases(), the package's entry point: the same runs and verdicts as `reuselab run --json` (the CLI
 * is built on it), typed errors before anything starts, and nothing left when its signal aborts.
 * On the netns backend (root, no engine).
 */
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LabError, runCases, type ResultsFile } from "../../lab";
import { labHere, scratch } from "../cli/helpers";

const CASE = "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml";
const ours = () => readdirSync("/run/netns").filter((n) => n.startsWith(`rl-${process.pid}-`));

/** What a run's verdict rests on: no timings. */
const essence = (r: ResultsFile) => ({
  kernels: r.kernels.map((k) => k.id),
  runs: r.runs.map((run) => ({
    id: run.id,
    outcome: run.outcome,
    steps: run.steps.map((s) => ({
      line: s.line,
      call: s.call,
      expected: s.expected,
      ret: s.observed.ret,
      errno: s.observed.errno,
    })),
  })),
  claims: r.claims.map((c) => ({ id: c.id, verdicts: c.verdicts, evidence: c.evidence })),
});

test.serial("runCases gives the runs, steps and claim verdicts that 'reuselab run --json' writes", async (t) => {
  const events: string[] = [];
  const api = await runCases({
    cases: [CASE],
    backend: "netns",
    reporters: [{ onEvent: (e) => void events.push(e.type) }],
  });
  t.is(api.schema, 1);
  t.deepEqual(
    api.runs.map((r) => `${r.id} ${r.outcome}`),
    [
      "uid-rule/tcp-reuseport-needs-same-uid.other-uid@host passed",
      "uid-rule/tcp-reuseport-needs-same-uid.same-uid@host passed",
    ],
  );
  t.deepEqual([events[0], events.at(-1)], ["session-started", "session-finished"]);
  const file = join(scratch(), "r.json");
  const cli = await labHere(["run", "--backend", "netns", "--cases", CASE, "--json", file]);
  t.is(cli.code, 0, cli.err);
  t.deepEqual(essence(api), essence(JSON.parse(readFileSync(file, "utf8")) as ResultsFile));
  t.deepEqual(ours(), []);
});

test.serial("bad case files: LabError REUSELAB_BAD_CASES with file:line, before any namespace exists", async (t) => {
  const e = await t.throwsAsync(runCases({ cases: ["test/fixtures/bad"], backend: "netns" }), { instanceOf: LabError });
  t.is(e?.code, "REUSELAB_BAD_CASES");
  t.regex(e!.message, /test\/fixtures\/bad\/broken\.yaml:9: bind: unknown socket option 'reuseadr'/);
  t.deepEqual(ours(), []);
});

test.serial("an unknown kernel, or a selection that matches no run: a LabError too", async (t) => {
  const kernel = await t.throwsAsync(runCases({ cases: [CASE], backend: "netns", kernels: ["4.19"] }), {
    instanceOf: LabError,
  });
  t.is(kernel?.code, "REUSELAB_BAD_ARGS");
  const none = await t.throwsAsync(runCases({ cases: [CASE], backend: "netns", filter: ["no-such-run"] }), {
    instanceOf: LabError,
  });
  t.is(none?.code, "REUSELAB_NO_CASES");
  t.deepEqual(ours(), []);
});

test.serial("its signal aborted mid-run: LabError REUSELAB_INTERRUPTED and no namespace left", async (t) => {
  const controller = new AbortController();
  let started = 0;
  const stopAtFirstRun = {
    onEvent: (e: { type: string }) => void (e.type === "run-started" && started++ === 0 && controller.abort()),
  };
  const e = await t.throwsAsync(
    runCases({ cases: [CASE], backend: "netns", jobs: 1, signal: controller.signal, reporters: [stopAtFirstRun] }),
    { instanceOf: LabError },
  );
  t.is(e?.code, "REUSELAB_INTERRUPTED");
  t.is(started, 1, "no run started after the abort");
  t.deepEqual(ours(), []);
});
