// runAll on a fake backend: results in plan order whatever order runs end in, at most --jobs runs at once
// per kernel, each kernel's runs on its backend. The session around the runs: session.test.ts.
import test from "ava";
import type { Backend, StartedLab } from "../../lab/backend/backend";
import type { KernelInfo } from "../../lab/kernel-info";
import { plan } from "../../lab/plan/plan";
import { defaultJobs } from "../../lab/run/jobs";
import { runAll } from "../../lab/run/runner";
import { caseOf, caseText, FakeBackend, kernels, recordingBus } from "./fake-lab";

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
    return {
      actor: (name) => lab.actor(name),
      [Symbol.asyncDispose]: async () => void this.open.set(kernel.id, this.open.get(kernel.id)! - 1),
    };
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
  t.deepEqual(
    results.map((r) => r.id),
    runs.map((r) => r.id),
  );
  t.deepEqual(Object.fromEntries(backend.peak), { host: 2, "5.10": 2 });
});

test("without --jobs: as many at once as jobs.ts gives each kind of kernel", async (t) => {
  const many = caseOf(
    "m",
    caseText().replace(
      "variants: { v4: {}, v6: {}, v7: {} }",
      `variants: { ${Array.from({ length: 40 }, (_, i) => `v${i}: {}`).join(", ")} }`,
    ),
  );
  const runs = plan([many], kernels);
  const backend = new HeldBackend();
  const finished = runAll(runs, () => backend, recordingBus().bus, kernels, {});
  for (;;) {
    await settle();
    if (!backend.pending.length) break;
    backend.pending.shift()!.release();
  }
  await finished;
  t.deepEqual(Object.fromEntries(backend.peak), { host: defaultJobs("host"), "5.10": defaultJobs("5.10") });
});

test("jobs larger than a kernel's runs, or below 1, still runs each run once", async (t) => {
  const runs = plan([caseOf("c", caseText())], kernels);
  for (const jobs of [0, 10]) {
    const backend = new FakeBackend();
    const results = await runAll(runs, () => backend, recordingBus().bus, kernels, { jobs });
    t.deepEqual(
      results.map((r) => r.id),
      runs.map((r) => r.id),
      `jobs ${jobs}`,
    );
    t.is(backend.started.length, 6);
  }
});

test("each kernel's runs go to that kernel's backend", async (t) => {
  const runs = plan([caseOf("c", caseText())], kernels);
  const backends = { host: new FakeBackend(), "5.10": new FakeBackend() } as Record<string, FakeBackend>;
  await runAll(runs, (k) => backends[k]!, recordingBus().bus, kernels, { jobs: 1 });
  t.deepEqual(
    backends.host!.started.map((s) => s.runId),
    ["c.v4@host", "c.v6@host", "c.v7@host"],
  );
  t.deepEqual(
    backends["5.10"]!.started.map((s) => s.runId),
    ["c.v4@5.10", "c.v6@5.10", "c.v7@5.10"],
  );
});
