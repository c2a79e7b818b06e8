// One planned run through the engine on a fake backend: the events, each step judged, and what the run
// comes to (passed, failed, skipped, xfail, xpass, allowlisted, interrupted, a lab that failed).
import test from "ava";
import type { AllowEntry } from "../../lab/case/allowlist";
import { LabError } from "../../lab/errors";
import { plan } from "../../lab/plan/plan";
import { allowedReason, runCase } from "../../lab/run/run-case";
import { caseOf, FakeBackend, recordingBus, type Answer } from "./fake-lab";

const host = { id: "host", release: "6.18.44" };
const old = { id: "4.19", release: "4.19.0" };
const yaml = (extra = "") => `schemaVersion: 1
title: t
rule: r
source: s
${extra}actors: { a: { uid: 1000 }, b: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353 reuseport  => ok
  - b: bind udp 0.0.0.0:5353 reuseport  => ok
`;
const two = caseOf("two", yaml());
/** b's bind is refused: the second step fails. */
const refused: Answer = (actor, words) =>
  actor === "b" && words[0] === "bind" ? { ret: -1, errno: "EADDRINUSE" } : { ret: 0, errno: null };

test("a run whose every step the kernel answers as expected passes; the events come in order and the lab is disposed", async (t) => {
  const backend = new FakeBackend();
  const { bus, events } = recordingBus();
  const [run] = plan([two], [host]);
  const r = await runCase(run!, backend, bus);
  t.is(r.outcome, "passed");
  t.like(r, { id: "two.default@host", case: "two", variant: "default", kernel: "host" });
  t.deepEqual(
    events.map((e) => e.type),
    ["run-started", "step-finished", "step-finished", "run-finished"],
  );
  t.deepEqual(
    r.steps.map((s) => [s.file, s.line, s.actor, s.call, s.expected, s.ok]),
    [
      ["cases/two.yaml", 7, "a", "bind udp 0.0.0.0:5353 reuseport", "ok", true],
      ["cases/two.yaml", 8, "b", "bind udp 0.0.0.0:5353 reuseport", "ok", true],
    ],
  );
  t.deepEqual(
    backend.started.map((s) => [s.runId, s.actors.map((a) => a.name)]),
    [["two.default@host", ["a", "b"]]],
  );
  t.true(backend.calls.some((c) => c.startsWith("b: bind ")));
  t.is(backend.disposed, 1);
  const finished = events.at(-1)!;
  t.is(finished.type === "run-finished" ? finished.result : undefined, r);
  t.deepEqual(
    events.map((e) => ("run" in e ? e.run : undefined)),
    [run, run, run, run],
  );
  t.deepEqual(
    events.flatMap((e) => (e.type === "step-finished" ? [e.step] : [])),
    r.steps,
  );
  t.true(r.durationMs >= 0 && r.durationMs < 60_000, `${r.durationMs} ms`);
});

test("a step the kernel answers otherwise fails the run, with file, line, actor, call and the judge's message", async (t) => {
  const backend = new FakeBackend(refused);
  const [run] = plan([two], [host]);
  const r = await runCase(run!, backend, recordingBus().bus);
  t.is(r.outcome, "failed");
  t.deepEqual(r.outcome === "failed" ? r.failures : [], [
    {
      file: "cases/two.yaml",
      line: 8,
      actor: "b",
      call: "bind udp 0.0.0.0:5353 reuseport",
      message: "expected ok but got -1 EADDRINUSE",
    },
  ]);
  t.deepEqual(
    r.steps.map((s) => s.ok),
    [true, false],
  );
  t.is(r.steps[1]!.observed.errno, "EADDRINUSE");
  t.is(backend.disposed, 1);
});

test("a per-kernel expectation is the one judged on that kernel", async (t) => {
  const c = caseOf(
    "k",
    yaml().replace(
      "  - b: bind udp 0.0.0.0:5353 reuseport  => ok",
      '  - b: bind udp 0.0.0.0:5353 reuseport  => ok\n    kernels: { "<5.0": EADDRINUSE }',
    ),
  );
  const runs = plan([c], [host, old]);
  const [onHost, onOld] = await Promise.all(
    runs.map((run) => runCase(run, new FakeBackend(refused), recordingBus().bus)),
  );
  t.is(onHost!.outcome, "failed");
  t.is(onOld!.outcome, "passed");
  t.is(onOld!.steps[1]!.expected, "EADDRINUSE");
});

test("a run planned as skipped starts no lab and carries its reason", async (t) => {
  const c = caseOf("req", yaml('requires: { kernel: ">=5.0", because: "newer" }\n'));
  const backend = new FakeBackend();
  const { bus, events } = recordingBus();
  const r = await runCase(plan([c], [old])[0]!, backend, bus);
  t.deepEqual(
    [r.outcome, r.outcome === "skipped" && r.reason, r.durationMs, r.steps],
    ["skipped", "needs a kernel >=5.0 (this is 4.19.0): newer", 0, []],
  );
  t.deepEqual(
    events.map((e) => e.type),
    ["run-started", "run-finished"],
  );
  t.is(backend.started.length, 0);
});

test("a known failure: failing is xfail with the reason and the failures, passing is xpass", async (t) => {
  const c = caseOf("x", yaml("xfail: the kernel says no\n"));
  const [run] = plan([c], [host]);
  const failing = await runCase(run!, new FakeBackend(refused), recordingBus().bus);
  t.is(failing.outcome, "xfail");
  if (failing.outcome === "xfail") {
    t.is(failing.reason, "the kernel says no");
    t.is(failing.failures.length, 1);
  }
  const passing = await runCase(run!, new FakeBackend(), recordingBus().bus);
  t.deepEqual([passing.outcome, passing.outcome === "xpass" && passing.reason], ["xpass", "the kernel says no"]);
});

test("an allowlisted regression: the kernel's disagreement is xfail with the allowlist's reason, a pass stays passed", async (t) => {
  const c = caseOf("regressions/r", yaml('fix: { commit: d6ace0dbcbb7, subject: s, mainline: "6.2", source: s }\n'));
  const entry: AllowEntry = {
    case: "regressions/r",
    kernel: "host",
    reason: "known to lack it",
    source: { file: "allow.yaml", line: 4 },
  };
  const [allowed] = plan([c], [host], {}, [entry]);
  const failing = await runCase(allowed!, new FakeBackend(refused), recordingBus().bus);
  t.is(failing.outcome, "xfail");
  t.is(
    failing.outcome === "xfail" ? failing.reason : "",
    "known to lack it; fix d6ace0dbcbb7 absent (allowed by allow.yaml:4)",
  );
  t.is(allowedReason(entry, "d6ace0dbcbb7"), "known to lack it; fix d6ace0dbcbb7 absent (allowed by allow.yaml:4)");
  t.is((await runCase(allowed!, new FakeBackend(), recordingBus().bus)).outcome, "passed");
  const [plain] = plan([c], [host]);
  t.is(
    (await runCase(plain!, new FakeBackend(refused), recordingBus().bus)).outcome,
    "failed",
    "not allowlisted: failed",
  );
  // a's bind disagrees, then the lab loses b (no actor to send the step to): a lab failure beside the disagreement.
  const lossy = new FakeBackend((actor) =>
    actor === "a" ? { ret: -1, errno: "EADDRINUSE" } : { ret: 0, errno: null },
  );
  const start = lossy.start.bind(lossy);
  lossy.start = async (spec, kernel) => {
    const l = await start(spec, kernel);
    return {
      ...l,
      actor: (name) =>
        name === "b"
          ? (() => {
              throw new Error("actor b is gone");
            })()
          : l.actor(name),
    };
  };
  const mixed = await runCase(allowed!, lossy, recordingBus().bus);
  t.is(mixed.outcome, "failed", "a disagreement beside a lab failure: not the known absence alone");
  const noFix = plan([two], [host], {}, [{ ...entry, case: "two" }])[0]!;
  t.is(
    (await runCase(noFix, new FakeBackend(refused), recordingBus().bus)).outcome,
    "failed",
    "an entry on a case with no fix lets nothing through",
  );
});

test("a lab that cannot start fails the run at the case file's line 1; an engine that hangs is thrown, not judged", async (t) => {
  const [run] = plan([two], [host]);
  const r = await runCase(run!, new FakeBackend(undefined, new Error("no namespace")), recordingBus().bus);
  t.deepEqual(r.outcome === "failed" ? r.failures : [], [
    { file: "cases/two.yaml", line: 1, message: "the lab failed: no namespace" },
  ]);
  const hung = new LabError("REUSELAB_ENGINE_HUNG", "the engine does not answer");
  t.is(await t.throwsAsync(runCase(run!, new FakeBackend(undefined, hung), recordingBus().bus)), hung);
  const other = await runCase(
    run!,
    new FakeBackend(undefined, new LabError("REUSELAB_NO_ENGINE", "gone")),
    recordingBus().bus,
  );
  t.is(other.outcome, "failed");
});

test("interrupted: the steps not yet run are left out and the run is skipped as interrupted, not judged", async (t) => {
  const stop = new AbortController();
  // The first answer aborts: the step it belongs to is not judged either (the lab is being torn down).
  const backend = new FakeBackend(
    (actor) => (stop.abort(), actor === "a" ? { ret: -1, errno: "EPERM" } : { ret: 0, errno: null }),
  );
  const [run] = plan([two], [host]);
  const { bus, events } = recordingBus();
  const r = await runCase(run!, backend, bus, stop.signal);
  t.deepEqual(
    [r.outcome, r.outcome === "skipped" && r.reason, r.steps],
    ["skipped", "interrupted before it finished", []],
  );
  t.deepEqual(
    events.map((e) => e.type),
    ["run-started", "run-finished"],
  );
  t.false(backend.calls.some((c) => c.startsWith("b:")));
  t.is(backend.disposed, 1);
  const idle = new FakeBackend();
  const before = await runCase(run!, idle, recordingBus().bus, AbortSignal.abort());
  t.is(before.outcome, "skipped");
  t.deepEqual(idle.calls, [], "aborted before the first step: no step is sent");
  const hung = new LabError("REUSELAB_ENGINE_HUNG", "the engine does not answer");
  const torn = await runCase(run!, new FakeBackend(undefined, hung), recordingBus().bus, AbortSignal.abort());
  t.is(
    torn.outcome,
    "skipped",
    "an engine that stops answering while the lab is torn down is the interruption, not an error",
  );
  const failedStart = await runCase(
    run!,
    new FakeBackend(undefined, new Error("torn down")),
    recordingBus().bus,
    AbortSignal.abort(),
  );
  t.deepEqual(
    [failedStart.outcome, failedStart.outcome === "skipped" && failedStart.reason],
    ["skipped", "interrupted before it finished"],
  );
});
