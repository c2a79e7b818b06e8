// A group's counting step on a fake lab: each member drained in rounds until the expectation's total is
// in, the counts per member, the fairness figures, an errno, a refusal and a probe that fails.
import test from "ava";
import type { StartedLab } from "../../lab/backend/backend";
import { performGroup } from "../../lab/run/group-step";
import type { Expectation } from "../../lab/verdict/expectation";
import { FakeBackend, groupStepOf as stepOf, type Answer } from "./fake-lab";

/** Each member's queue: what it has waiting, handed out one round at a time. */
function queues(field: string, rounds: Record<string, number[]>): Answer {
  return (actor) => ({ ret: 0, errno: null, [field]: rounds[actor]?.shift() ?? 0 });
}
async function lab(answer: Answer): Promise<{ lab: StartedLab; backend: FakeBackend }> {
  const backend = new FakeBackend(answer);
  return {
    lab: await backend.start({ runId: "g", actors: [], namespaces: [] }, { id: "host", release: "6.18" }),
    backend,
  };
}
const total = (n: number): Expectation => ({ kind: "group", total: { min: n, max: n } });

test("recv: every member is drained until the total is in; counts per member, their sum and a trace line each", async (t) => {
  const { lab: l, backend } = await lab(queues("received", { w1: [1, 1], w2: [0, 0, 2], w3: [2] }));
  const seen = await performGroup(stepOf("recv"), total(6), l);
  t.deepEqual(seen.counts, { w1: 2, w2: 2, w3: 2 });
  t.is(seen.count, 6);
  t.is(seen.ret, 6);
  t.is(seen.errno, null);
  t.is(seen.error, undefined);
  t.deepEqual(
    seen.trace.map((l) => l.replace(/ s\d+ /, " S ")),
    ["w1: recv S … = 2", "w2: recv S … = 2", "w3: recv S … = 2"],
  );
  t.like(seen.fairness, { fair: true, degreesOfFreedom: 2, maxDeviationPct: 0 });
  t.true(
    backend.calls.every((c) => /^w[123]: recv s\d+ 0 0$/.test(c)),
    backend.calls.join("\n"),
  );
  t.true(backend.calls.filter((c) => c.startsWith("w2")).length >= 3, "w2 was asked again until its datagrams came");
});

test("accept: the members' accepted connections are counted the same way", async (t) => {
  const { lab: l, backend } = await lab(queues("accepted", { w1: [3], w3: [3] }));
  const seen = await performGroup(stepOf("accept"), total(6), l);
  t.deepEqual(seen.counts, { w1: 3, w2: 0, w3: 3 });
  t.true(
    backend.calls.every((c) => / accept \S+ 4096 0$/.test(c)),
    backend.calls.join("\n"),
  );
  t.false(seen.fairness!.fair === undefined);
});

test("the drain ends once the target is in or, when the expectation names none, once nothing new comes", async (t) => {
  for (const expect of [
    { kind: "group", one: 4 },
    { kind: "group", each: { min: 2, max: 2 } },
    { kind: "group", each: { min: 0, max: 9 } },
  ] as Expectation[]) {
    const { lab: l } = await lab(queues("received", { w2: [1, 0, 3] }));
    t.deepEqual(
      (await performGroup(stepOf("recv"), expect, l)).counts,
      { w1: 0, w2: 4, w3: 0 },
      JSON.stringify(expect),
    );
  }
});

test("a member's errno ends the drain with it; a refusal or a failing probe is an error, not a count", async (t) => {
  const { lab: failing } = await lab((actor) =>
    actor === "w2" ? { ret: -1, errno: "EBADF" } : { ret: 0, errno: null, received: 1 },
  );
  const seen = await performGroup(stepOf("recv"), total(6), failing);
  // The round in which the errno came is finished (w3 is still drained), then no further round.
  t.deepEqual([seen.ret, seen.errno, seen.counts], [-1, "EBADF", { w1: 1, w2: 0, w3: 1 }]);
  const { lab: refusing } = await lab((actor) =>
    actor === "w3" ? { error: "no such socket" } : { ret: 0, errno: null },
  );
  t.deepEqual(await performGroup(stepOf("recv"), total(6), refusing), {
    ret: null,
    errno: null,
    trace: [],
    error: "w3: the probe refused: no such socket",
  });
  const { lab: alive } = await lab(() => ({ ret: 0, errno: null }));
  const exited = async (): Promise<never> => {
    throw new Error("the probe exited");
  };
  const gone: StartedLab = {
    actor: (name) => ({ ...alive.actor(name), call: exited }),
    [Symbol.asyncDispose]: async () => {},
  };
  t.deepEqual(await performGroup(stepOf("recv"), total(6), gone), {
    ret: null,
    errno: null,
    trace: [],
    error: "the probe exited",
  });
});

test("with the accounting: once the total is in and nothing more is on its way, one more round and it ends", async (t) => {
  const { lab: l, backend } = await lab(queues("received", { w1: [2, 1], w2: [2], w3: [1] }));
  const asked: string[] = [];
  const seen = await performGroup(stepOf("recv"), total(5), l, async (proto) => (asked.push(proto), true));
  t.deepEqual(asked, ["udp"]);
  t.deepEqual(seen.counts, { w1: 3, w2: 2, w3: 1 }, "the last round took what came meanwhile: a surplus shows");
  t.is(backend.calls.length, 6, "two rounds of three members");
  t.deepEqual(seen.settled, { by: "accounting", waitedMs: 0 });
});

test("with the accounting open, the group waits as without it; accept asks about TCP", async (t) => {
  const { lab: l } = await lab(queues("accepted", { w1: [1] }));
  const asked: string[] = [];
  const seen = await performGroup(stepOf("accept"), total(1), l, async (proto) => (asked.push(proto), false));
  t.is(seen.count, 1);
  t.true(asked.length >= 1 && asked.every((p) => p === "tcp"), asked.join());
  t.is(seen.settled?.by, "timer");
  t.true(seen.settled!.waitedMs >= 20, `${seen.settled!.waitedMs} ms: the 20 ms watch for a surplus`);
  t.true(seen.settled!.waitedMs < 3_600_000, `${seen.settled!.waitedMs} ms: a duration, not a time of day`);
});

test("with the accounting and no total named: a round that brings nothing asks, and the answer ends the quiet period", async (t) => {
  const { lab: l, backend } = await lab(queues("received", { w1: [1, 0], w2: [0, 3], w3: [] }));
  const asked: number[] = [];
  const step = stepOf("recv");
  const any: Expectation = { kind: "group", each: { min: 0, max: 10 } };
  const seen = await performGroup(step, any, l, async () => (asked.push(backend.calls.length), asked.length > 1));
  t.deepEqual(seen.counts, { w1: 1, w2: 3, w3: 0 });
  // Round 1 takes 1, round 2 takes 3, round 3 is empty: asked (not settled); round 4 empty: asked, settled; round 5 drains.
  t.deepEqual(asked, [9, 12]);
  t.is(backend.calls.length, 15);
  t.is(seen.settled?.by, "accounting");
});

test("with the accounting and a total named, it is asked only once the total is in", async (t) => {
  const { lab: l, backend } = await lab(queues("received", { w1: [2, 3], w2: [], w3: [] }));
  const asked: number[] = [];
  const seen = await performGroup(stepOf("recv"), total(5), l, async () => (asked.push(backend.calls.length), true));
  t.deepEqual(asked, [6], "after the second round, when the 5 were in");
  t.is(seen.count, 5);
  t.true(seen.settled!.waitedMs === 0);
});
