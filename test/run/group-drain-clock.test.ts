// When a group's drain stops, on a virtual clock: while one drain runs, Date.now() and the pause between
// rounds (setTimeout of node:timers/promises) are replaced, so rounds are exactly 10 ms apart and the
// round a drain stops in is exact. Nothing here waits on a real clock. The rules observed:
//   a total named (total, one, each N):  it stops in the first round >= 20 ms after the last arrival,
//                                        once the total is in (a surplus still shows);
//   none named (each A..B, fair):        it stops in the first round >= 150 ms after the last arrival;
//   always:                              it stops at the step's `within` (3000 ms for recv by default;
//                                        accept's own default is 2000 ms).
import test from "ava";
import type { GroupStep } from "../../lab/case/case";
import { performGroup } from "../../lab/run/group-step";
import type { Expectation } from "../../lab/verdict/expectation";
import type { Observation } from "../../lab/verdict/observation";
import { FakeBackend, groupStepOf as groupStep } from "./fake-lab";

const members = ["w1", "w2", "w3"];

interface Drained {
  seen: Observation;
  /** Rounds the drain made: calls to each member. */
  rounds: number;
  /** Virtual milliseconds from the drain's start to its stop. */
  stoppedAtMs: number;
  /** Every pause it asked for, in ms. */
  pauses: number[];
}

/**
 * Drains `step` on a fake lab where `arrivals[actor][round]` is what that member finds queued in that
 * round (0-based). A drain that never stops fails the test instead of hanging it.
 */
async function drain(
  step: GroupStep,
  expect: Expectation,
  arrivals: Record<string, Record<number, number>>,
): Promise<Drained> {
  const field = step.members[0]!.step.kind === "recv" ? "received" : "accepted";
  const calls: Record<string, number> = Object.fromEntries(members.map((m) => [m, 0]));
  const backend = new FakeBackend((actor) => {
    const round = calls[actor]!++;
    if (round > 1000) throw new Error(`${actor}: round ${round}: the drain did not stop`);
    return { ret: 0, errno: null, [field]: arrivals[actor]?.[round] ?? 0 };
  });
  const lab = await backend.start({ runId: "g", actors: [], namespaces: [] }, { id: "host", release: "6.18" });
  const timers = process.getBuiltinModule("node:timers/promises");
  const [realNow, realSleep] = [Date.now, timers.setTimeout];
  const T0 = 1_000_000;
  let now = T0;
  const pauses: number[] = [];
  Date.now = () => now;
  timers.setTimeout = (async (ms?: number) => {
    pauses.push(ms ?? 0);
    now += ms ?? 0;
  }) as typeof timers.setTimeout;
  try {
    const seen = await performGroup(step, expect, lab);
    return { seen, rounds: calls.w1!, stoppedAtMs: now - T0, pauses };
  } finally {
    Date.now = realNow;
    timers.setTimeout = realSleep;
  }
}

const total = (min: number, max = min): Expectation => ({ kind: "group", total: { min, max } });
const recv = groupStep("recv");

test.serial(
  "a total named: the drain stops two rounds (20 ms) after the last arrival, once the total is in",
  async (t) => {
    // w2's 1 comes in round 0, its 3 in round 5 (50 ms later, past any 20 ms lull): the total 4 is in at
    // round 5, so the drain stops in round 7, at 70 ms, after 8 rounds, each 10 ms apart.
    const d = await drain(recv, total(4), { w2: { 0: 1, 5: 3 } });
    t.deepEqual(d.seen.counts, { w1: 0, w2: 4, w3: 0 });
    t.deepEqual([d.rounds, d.stoppedAtMs], [8, 70]);
    t.true(d.pauses.length === 7 && d.pauses.every((ms) => ms === 10), d.pauses.join(" "));
  },
);

test.serial("a total named: the total in at once still waits 20 ms, and what comes meanwhile is counted", async (t) => {
  const d = await drain(recv, total(4), { w1: { 0: 4, 1: 2 } });
  t.deepEqual(d.seen.counts, { w1: 6, w2: 0, w3: 0 });
  t.is(d.seen.count, 6);
  t.deepEqual([d.rounds, d.stoppedAtMs], [4, 30]);
});

test.serial("a total range names its minimum: the drain stops 20 ms after the minimum is in", async (t) => {
  const d = await drain(recv, total(3, 9), { w1: { 0: 2, 4: 1 } });
  t.deepEqual([d.seen.count, d.rounds, d.stoppedAtMs], [3, 7, 60]);
});

test.serial("'one N' names the total N, and 'each N' names N for every member", async (t) => {
  const one = await drain(recv, { kind: "group", one: 4 }, { w2: { 0: 1, 3: 3 } });
  t.deepEqual([one.seen.count, one.rounds, one.stoppedAtMs], [4, 6, 50]);
  // each 2 of three members is a total of 6: w1's 3 alone (round 0) is not it, w2's 3 in round 4 is.
  const each = await drain(recv, { kind: "group", each: { min: 2, max: 2 } }, { w1: { 0: 3 }, w2: { 4: 3 } });
  t.deepEqual(each.seen.counts, { w1: 3, w2: 3, w3: 0 });
  t.deepEqual([each.rounds, each.stoppedAtMs], [7, 60]);
});

test.serial("no total named: the drain stops once nothing has come for 150 ms", async (t) => {
  // A 140 ms gap (round 0 to round 14) does not stop it; 150 ms after round 14 (round 29) does.
  for (const expect of [
    { kind: "group", each: { min: 0, max: 9 } },
    { kind: "group", fair: true },
  ] as Expectation[]) {
    const d = await drain(recv, expect, { w3: { 0: 1, 14: 1 } });
    t.deepEqual(d.seen.counts, { w1: 0, w2: 0, w3: 2 }, JSON.stringify(expect));
    t.deepEqual([d.rounds, d.stoppedAtMs], [30, 290], JSON.stringify(expect));
  }
  // Nothing at all: 150 ms from the start, and no fairness figures for an empty spread.
  const none = await drain(recv, { kind: "group", fair: true }, {});
  t.deepEqual([none.seen.count, none.rounds, none.stoppedAtMs], [0, 16, 150]);
  t.false("fairness" in none.seen);
});

test.serial(
  "a total never reached: the drain stops at the step's 'within', else after 3 s (accept: 2 s)",
  async (t) => {
    const late = { w1: { 0: 1 } };
    const byDefault = await drain(recv, total(6), late);
    t.deepEqual([byDefault.seen.count, byDefault.rounds, byDefault.stoppedAtMs], [1, 301, 3000]);
    const within = await drain(groupStep("recv", 500), total(6), late);
    t.deepEqual([within.seen.count, within.rounds, within.stoppedAtMs], [1, 51, 500]);
    t.deepEqual([within.seen.ret, within.seen.errno], [1, null], "a drain cut short is a count, not an error");
    const accept = await drain(groupStep("accept"), total(6), late);
    t.deepEqual([accept.seen.count, accept.rounds, accept.stoppedAtMs], [1, 201, 2000]);
    const acceptWithin = await drain(groupStep("accept", 300), total(6), late);
    t.deepEqual([acceptWithin.rounds, acceptWithin.stoppedAtMs], [31, 300]);
  },
);

test.serial(
  "a member that is not a recv or an accept is an error naming its kind (the case loader never lets one in)",
  async (t) => {
    const step = groupStep("recv");
    const bound = {
      ...step,
      members: step.members.map((m) => ({ ...m, step: { kind: "listen", sock: "s1", backlog: 1 } })),
    } as unknown as GroupStep;
    await t.throwsAsync(drain(bound, total(1), {}), { message: "a group cannot do 'listen'" });
  },
);
