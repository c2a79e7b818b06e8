// runSession on fake backends: the one sequence (prepare, plan, session-started, runs, session-finished
// with the claims audit and known bugs, reporters closed), repetitions, an interruption, and an empty
// selection; recordSession for results that ran elsewhere (merge).
import test from "ava";
import type { Claim } from "../../lab/case/claims";
import type { LabEvent, Reporter } from "../../lab/events/events";
import type { KernelInfo } from "../../lab/kernel-info";
import { plan } from "../../lab/plan/plan";
import { recordSession, runSession, type SessionBackends, type SessionFinished } from "../../lab/run/session";
import { caseOf, caseText, FakeBackend, kernels, recordingBus, type Answer } from "./fake-lab";
import type { LabError } from "../../lab/errors";

const claims: Claim[] = [
  { id: "the-claim", topic: "t", section: "s", line: 1, quote: "q", file: "claims.yaml", declaredAt: 1 },
];
const regression = caseOf(
  "regressions/r",
  caseText(
    'claims: { confirms: [the-claim] }\nfix: { commit: d6ace0dbcbb7, subject: s, mainline: "6.2", source: s }\n',
  ),
);

/** Both kernels on one fake backend; records prepares and aborts. */
function fakeBackends(
  answer?: Answer,
  on: readonly KernelInfo[] = kernels,
): SessionBackends & { fake: FakeBackend; prepared: number; aborted: number } {
  const fake = new FakeBackend(answer);
  const b = {
    name: "fake",
    fake,
    prepared: 0,
    aborted: 0,
    prepare: async () => (b.prepared++, { kernels: [...on], leftoversRemoved: { containers: 3 } }),
    backend: () => fake,
    abort: async () => void b.aborted++,
  };
  return b;
}

/** A reporter that records the events' types and whether it was closed. */
function recorder(): Reporter & { events: LabEvent[]; closed: number } {
  const r = {
    events: [] as LabEvent[],
    closed: 0,
    onEvent: (e: LabEvent) => void r.events.push(e),
    close: async () => void r.closed++,
  };
  return r;
}

const finishedOf = (events: LabEvent[]) => events.filter((e): e is SessionFinished => e.type === "session-finished");

test("one session: prepared once, session-started first with the plan, the runs, session-finished last with the audit and known bugs; reporters closed", async (t) => {
  const backends = fakeBackends();
  const r = recorder();
  const end = await runSession(backends, { catalogue: { cases: [regression], claims }, reporters: [r] });
  t.is(backends.prepared, 1);
  t.deepEqual(
    end.runs.map((x) => x.id),
    plan([regression], kernels).map((x) => x.id),
  );
  const first = r.events[0]!;
  t.is(first.type, "session-started");
  if (first.type === "session-started") {
    t.is(first.backend, "fake");
    t.deepEqual(
      first.runs.map((x) => x.id),
      end.runs.map((x) => x.id),
    );
    t.deepEqual(first.leftoversRemoved, { containers: 3 });
  }
  t.is(r.events.filter((e) => e.type === "run-finished").length, 6);
  const ends = finishedOf(r.events);
  t.is(ends.length, 1);
  t.is(r.events.at(-1), ends[0]);
  t.is(end.finished, ends[0]);
  const f = ends[0]!;
  t.deepEqual(f.results, end.repetitions[0]);
  t.is(f.claims, claims);
  t.deepEqual(
    f.audit.map((a) => [a.id, a.verdicts]),
    [["the-claim", { host: "confirmed", "5.10": "confirmed" }]],
  );
  t.deepEqual(Object.keys(f.knownBugs.kernels), ["host", "5.10"]);
  t.is(f.knownBugs.kernels.host![0]!.status, "present");
  t.false(f.interrupted);
  t.false(end.interrupted);
  t.deepEqual(f.kernels, kernels);
  t.true(f.durationMs >= 0 && f.durationMs < 60_000, `${f.durationMs} ms`);
  t.is(r.closed, 1);
  t.is(backends.aborted, 0);
});

test("with no claims the audit is empty", async (t) => {
  const end = await runSession(fakeBackends(), { catalogue: { cases: [caseOf("c", caseText())], claims: [] } });
  t.deepEqual([end.finished!.claims, end.finished!.audit], [[], []]);
});

test("repeat N: N sessions on backends prepared once; leftovers are reported by the first only", async (t) => {
  const backends = fakeBackends();
  const r = recorder();
  const end = await runSession(backends, {
    catalogue: { cases: [caseOf("c", caseText())], claims: [] },
    reporters: [r],
    repeat: 3,
  });
  t.is(backends.prepared, 1);
  t.is(end.repetitions.length, 3);
  const starts = r.events.filter((e) => e.type === "session-started");
  t.deepEqual(
    starts.map((e) => (e.type === "session-started" ? e.leftoversRemoved : undefined)),
    [{ containers: 3 }, {}, {}],
  );
  t.is(finishedOf(r.events).length, 3);
  t.is(r.closed, 1);
});

test("the selection reaches the plan", async (t) => {
  const end = await runSession(fakeBackends(), {
    catalogue: { cases: [caseOf("c", caseText())], claims: [] },
    selection: { filter: ["v6@5.10"] },
  });
  t.deepEqual(
    end.runs.map((x) => x.id),
    ["c.v6@5.10"],
  );
  t.deepEqual(
    end.repetitions[0]!.map((x) => x.id),
    ["c.v6@5.10"],
  );
});

test("a selection with no run is REUSELAB_NO_CASES, and no reporter hears a session", async (t) => {
  const r = recorder();
  const e = await t.throwsAsync(
    runSession(fakeBackends(), {
      catalogue: { cases: [caseOf("c", caseText())], claims: [] },
      selection: { filter: ["nothing"] },
      reporters: [r],
    }),
  );
  t.is((e as LabError).code, "REUSELAB_NO_CASES");
  t.deepEqual(r.events, []);
});

test("an interruption aborts the backends, starts no further run or repetition, and the session says so", async (t) => {
  const stop = new AbortController();
  const backends = fakeBackends(() => (stop.abort(), { ret: 0, errno: null }), [kernels[0]!]);
  const r = recorder();
  const end = await runSession(backends, {
    catalogue: { cases: [caseOf("c", caseText())], claims: [] },
    reporters: [r],
    jobs: 1,
    repeat: 2,
    signal: stop.signal,
  });
  t.is(backends.aborted, 1);
  t.is(backends.fake.started.length, 1);
  t.is(end.repetitions.length, 1);
  t.deepEqual(
    end.repetitions[0]!.map((x) => [x.id, x.outcome]),
    [["c.v4@host", "skipped"]],
  );
  t.true(end.interrupted);
  t.true(end.finished!.interrupted);
  t.is(end.finished!.results.length, 1);
  t.is(r.closed, 1);
});

test("recordSession: results that ran elsewhere get the same events, audit and known bugs, with the duration given", async (t) => {
  const runs = plan([regression], kernels);
  const ran = await runSession(fakeBackends(), { catalogue: { cases: [regression], claims } });
  const { bus, events } = recordingBus();
  const f = await recordSession(
    bus,
    { backend: "merged", kernels, runs, leftoversRemoved: {} },
    claims,
    async () => ran.repetitions[0]!,
    undefined,
    1234,
  );
  t.deepEqual(
    events.map((e) => e.type),
    ["session-started", "session-finished"],
  );
  t.is(f.durationMs, 1234);
  t.deepEqual(f.audit, ran.finished!.audit);
  t.deepEqual(f.knownBugs, ran.finished!.knownBugs);
  t.false(f.interrupted);
});
