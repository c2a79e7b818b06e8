// Counting steps with and without the kernel's accounting (lab/steps/settle.ts): which probe calls they
// make, what they count, and how the record says they ended. The probe here is a script: each call
// takes the next number of its list.
import test from "ava";
import "../../lab/steps";
import { performStep } from "../../lab/steps";
import type { ActorRuntime } from "../../lab/steps/actor-runtime";
import type { Settle } from "../../lab/steps/settle";
import type { Step } from "../../lab/steps/step";
import type { Expectation } from "../../lab/verdict/expectation";
import type { ProbeReply } from "../../lab/probe/protocol";

function actor(takes: number[], refuse?: Partial<ProbeReply>): { actor: ActorRuntime; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    actor: {
      name: "a",
      call: async (words) => {
        calls.push(words.join(" "));
        if (refuse) return { seq: calls.length, cmd: words[0]!, ...refuse };
        const got = takes.shift() ?? 0;
        const field = words[0] === "recv" ? "received" : "accepted";
        return { seq: calls.length, cmd: words[0]!, ret: got, errno: null, [field]: got };
      },
      fire: () => {},
      awaitExit: async () => ({ code: 0, signal: null }),
      resolve: () => "10.0.0.1",
    },
  };
}

const count = (n: number): Expectation => ({ kind: "count", range: { min: n, max: n } });
const recv: Step = { kind: "recv", sock: "s1" };
const accept: Step = { kind: "accept", sock: "s1", count: 5, timeoutMs: 300 };
function settling(answer: boolean): { settle: Settle; asked: string[] } {
  const asked: string[] = [];
  return { asked, settle: async (proto) => (asked.push(proto), answer) };
}

test("recv => 0 without accounting: the one timed call it always made (any datagram within 100 ms, then 50 ms quiet)", async (t) => {
  const { actor: a, calls } = actor([0]);
  const o = await performStep(recv, a, count(0));
  t.deepEqual(calls, ["recv s1 1 100 50"]);
  t.like(o, { ret: 0, errno: null, count: 0, settled: { by: "timer" } });
});

test("recv => 0 settled by accounting: takes, asks about UDP, takes again, never waits", async (t) => {
  const { actor: a, calls } = actor([0, 0]);
  const { settle, asked } = settling(true);
  const o = await performStep(recv, a, count(0), settle);
  t.deepEqual(calls, ["recv s1 0 0", "recv s1 0 0"]);
  t.deepEqual(asked, ["udp"]);
  t.deepEqual(o, {
    ret: 0,
    errno: null,
    count: 0,
    trace: ["recv s1 0 0 = 0", "recv s1 0 0 = 0"],
    settled: { by: "accounting", waitedMs: 0 },
  });
});

test("recv: what both takes found is the count (a surplus shows without a quiet period)", async (t) => {
  const { actor: a } = actor([4, 2]);
  const o = await performStep(recv, a, count(5), settling(true).settle);
  t.like(o, { ret: 6, count: 6, settled: { by: "accounting" } });
});

test("recv: when the accounting does not close, the timer path waits for the rest of MIN, then its quiet period", async (t) => {
  const { actor: a, calls } = actor([3, 2]);
  const o = await performStep(recv, a, count(5), settling(false).settle);
  t.deepEqual(calls, ["recv s1 0 0", "recv s1 2 2000 50"]);
  t.like(o, { ret: 5, count: 5, settled: { by: "timer" } });
  t.true(o.settled!.waitedMs >= 0);
});

test("recv => 0 with a datagram already taken: the timer path only waits the quiet period for more", async (t) => {
  const { actor: a, calls } = actor([1, 0]);
  const o = await performStep(recv, a, count(0), settling(false).settle);
  t.deepEqual(calls, ["recv s1 0 0", "recv s1 0 100 50"]);
  t.is(o.count, 1);
});

test("accept: the count asked for is already queued: no question, no wait", async (t) => {
  const { actor: a, calls } = actor([5]);
  const { settle, asked } = settling(true);
  const o = await performStep(accept, a, count(5), settle);
  t.deepEqual(calls, ["accept s1 5 0"]);
  t.deepEqual(asked, []);
  t.like(o, { ret: 5, count: 5, settled: { by: "count" } });
});

test("accept: settled by accounting, the second take asks only for what is missing", async (t) => {
  const { actor: a, calls } = actor([2, 1]);
  const { settle, asked } = settling(true);
  const o = await performStep(accept, a, count(3), settle);
  t.deepEqual(calls, ["accept s1 5 0", "accept s1 3 0"]);
  t.deepEqual(asked, ["tcp"]);
  t.like(o, { ret: 3, count: 3, settled: { by: "accounting" } });
});

test("accept: not settled, it waits its whole time for what is missing", async (t) => {
  const { actor: a, calls } = actor([2, 0]);
  const o = await performStep(accept, a, count(2), settling(false).settle);
  t.deepEqual(calls, ["accept s1 5 0", "accept s1 3 300"]);
  t.like(o, { ret: 2, count: 2, settled: { by: "timer" } });
});

test("accept without accounting: the one call it always made", async (t) => {
  const { actor: a, calls } = actor([0]);
  const o = await performStep(accept, a, count(0));
  t.deepEqual(calls, ["accept s1 5 300"]);
  t.like(o, { count: 0, settled: { by: "timer" } });
});

test("a call the kernel refuses ends the step with its errno, and the accounting is not asked", async (t) => {
  const { actor: a, calls } = actor([], { ret: -1, errno: "EINVAL", accepted: 0 });
  const { settle, asked } = settling(true);
  const o = await performStep(accept, a, count(0), settle);
  t.deepEqual(calls, ["accept s1 5 0"]);
  t.deepEqual(asked, []);
  t.like(o, { ret: -1, errno: "EINVAL", count: 0 });
  t.is(o.settled, undefined);
});

test("a probe that refuses the command: the error, and no count", async (t) => {
  const { actor: a } = actor([], { error: "unknown socket 's1'" });
  const o = await performStep(recv, a, count(0), settling(true).settle);
  t.regex(o.error!, /unknown socket 's1'/);
  t.is(o.count, undefined);
});
