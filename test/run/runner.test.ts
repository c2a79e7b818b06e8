// runAll on a fake backend: results in plan order whatever order runs end in, at most --jobs runs at once
// per kernel, the session-finished event with its audit and known bugs, and an interruption.
import test from "ava";
import type { Backend, StartedLab } from "../../lab/backend/backend";
import type { KernelInfo } from "../../lab/kernel-info";
import type { Claim } from "../../lab/case/claims";
import type { LabEvent } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { runAll } from "../../lab/run/runner";
import { caseOf, FakeBackend, recordingBus } from "./fake-lab";

const kernels: KernelInfo[] = [
  { id: "host", release: "6.18.44" },
  { id: "5.10", release: "5.10.0-46-cloud-amd64" },
];
const caseText = (extra = "") => `schemaVersion: 1
title: t
rule: r
source: s
${extra}variants: { v4: {}, v6: {}, v7: {} }
actors: { a: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353  => ok
`;
const claims: Claim[] = [{ id: "the-claim", topic: "t", section: "s", line: 1, quote: "q", file: "claims.yaml", declaredAt: 1 }];

/** A backend whose labs open when the test releases them, in any order; it tracks the most open at once per kernel. */
class HeldBackend implements Backend {
  readonly name = "held";
  readonly pending: { runId: string; release: () => void }[] = [];
  readonly open = new Map<string, number>();
  readonly peak = new Map<string, number>();
  async prepare() {
    return { kernels, leftoversRemoved: {} };
  }
  async start(spec: { runId: string }, kernel: KernelInfo): Promise<StartedLab> {
    const n = (this.open.get(kernel.id) ?? 0) + 1;
    this.open.set(kernel.id, n);
    this.peak.set(kernel.id, Math.max(n, this.peak.get(kernel.id) ?? 0));
    await new Promise<void>((release) => this.pending.push({ runId: spec.runId, release }));
    const lab = await new FakeBackend().start({ runId: spec.runId, actors: [], namespaces: [] }, kernel);
    return { actor: (name) => lab.actor(name), [Symbol.asyncDispose]: async () => void this.open.set(kernel.id, this.open.get(kernel.id)! - 1) };
  }
  async abort() {}
  async [Symbol.asyncDispose]() {}
}

const settle = () => new Promise<void>((r) => setImmediate(r));

test("at most --jobs runs at once on each kernel, and results in plan order whatever order they end in", async (t) => {
  const runs = plan([caseOf("c", caseText())], kernels);
  const backend = new HeldBackend();
  const finished = runAll(runs, () => backend, recordingBus().bus, kernels, { jobs: 2 });
  for (;;) {
    await settle();
    if (!backend.pending.length) break;
    backend.pending.pop()!.release(); // the last started ends first
  }
  const results = await finished;
  t.deepEqual(results.map((r) => r.id), runs.map((r) => r.id));
  t.deepEqual(Object.fromEntries(backend.peak), { host: 2, "5.10": 2 });
});

test("jobs larger than a kernel's runs, or below 1, still runs each run once", async (t) => {
  const runs = plan([caseOf("c", caseText())], kernels);
  for (const jobs of [0, 10]) {
    const backend = new FakeBackend();
    const results = await runAll(runs, () => backend, recordingBus().bus, kernels, { jobs });
    t.deepEqual(results.map((r) => r.id), runs.map((r) => r.id), `jobs ${jobs}`);
    t.is(backend.started.length, 6);
  }
});

test("each kernel's runs go to that kernel's backend", async (t) => {
  const runs = plan([caseOf("c", caseText())], kernels);
  const backends = { host: new FakeBackend(), "5.10": new FakeBackend() } as Record<string, FakeBackend>;
  await runAll(runs, (k) => backends[k]!, recordingBus().bus, kernels, { jobs: 1 });
  t.deepEqual(backends.host!.started.map((s) => s.runId), ["c.v4@host", "c.v6@host", "c.v7@host"]);
  t.deepEqual(backends["5.10"]!.started.map((s) => s.runId), ["c.v4@5.10", "c.v6@5.10", "c.v7@5.10"]);
});

test("the session ends with one event: the results, the claims and their audit, the known bugs, not interrupted", async (t) => {
  const c = caseOf("regressions/r", caseText('claims: { confirms: [the-claim] }\nfix: { commit: d6ace0dbcbb7, subject: s, mainline: "6.2", source: s }\n'));
  const runs = plan([c], kernels);
  const { bus, events } = recordingBus();
  const results = await runAll(runs, () => new FakeBackend(), bus, kernels, { jobs: 2, claims });
  const ends = events.filter((e): e is Extract<LabEvent, { type: "session-finished" }> => e.type === "session-finished");
  t.is(ends.length, 1);
  const end = ends[0]!;
  t.is(events.at(-1), end);
  t.is(end.results.length, 6);
  t.deepEqual(end.results, results);
  t.is(end.claims, claims);
  t.deepEqual(end.audit.map((a) => [a.id, a.verdicts]), [["the-claim", { host: "confirmed", "5.10": "confirmed" }]]);
  t.deepEqual(Object.keys(end.knownBugs.kernels), ["host", "5.10"]);
  t.is(end.knownBugs.kernels.host![0]!.status, "present");
  t.false(end.interrupted);
  t.deepEqual(end.kernels, kernels);
  t.true(end.durationMs >= 0 && end.durationMs < 60_000, `${end.durationMs} ms`);
});

test("with no claims given the audit is empty", async (t) => {
  const { bus, events } = recordingBus();
  await runAll(plan([caseOf("c", caseText())], kernels), () => new FakeBackend(), bus, kernels, { jobs: 1 });
  const end = events.at(-1)!;
  t.deepEqual(end.type === "session-finished" ? [end.claims, end.audit] : undefined, [[], []]);
});

test("an interruption starts no further run; the session says it was interrupted and has only the runs that ended", async (t) => {
  const stop = new AbortController();
  const runs = plan([caseOf("c", caseText())], [kernels[0]!]);
  const backend = new FakeBackend(() => (stop.abort(), { ret: 0, errno: null }));
  const { bus, events } = recordingBus();
  const results = await runAll(runs, () => backend, bus, [kernels[0]!], { jobs: 1, signal: stop.signal });
  t.is(backend.started.length, 1);
  t.deepEqual(results.map((r) => [r.id, r.outcome]), [["c.v4@host", "skipped"]]);
  const end = events.at(-1)!;
  t.true(end.type === "session-finished" && end.interrupted);
  t.is(end.type === "session-finished" ? end.results.length : -1, 1);
});
