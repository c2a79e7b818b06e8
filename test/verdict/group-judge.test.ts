// The group clauses of an expectation (total, each, one, fair), judged against a group's counts.
import test from "ava";
import type { Expectation } from "../../lab/verdict/expectation";
import { fairness } from "../../lab/verdict/fairness";
import { judge } from "../../lab/verdict/judge";
import type { Observation } from "../../lab/verdict/observation";

const group = (...values: number[]): Observation => {
  const counts = Object.fromEntries(values.map((v, i) => [`w${i}`, v]));
  const count = values.reduce((a, b) => a + b, 0);
  const f = fairness(values);
  return { ret: count, errno: null, count, counts, ...(f ? { fairness: f } : {}), trace: [] };
};
const ok = (e: Omit<Extract<Expectation, { kind: "group" }>, "kind">, seen: Observation) =>
  judge({ kind: "group", ...e }, seen).ok;

test("total: the sum must be in the range, at both ends", (t) => {
  const total = { min: 10, max: 12 };
  t.true(ok({ total }, group(5, 5)));
  t.true(ok({ total }, group(6, 6)));
  t.false(ok({ total }, group(4, 5)));
  t.false(ok({ total }, group(7, 6)));
});

test("each: every member's count must be in the range, not just one of them", (t) => {
  const each = { min: 2, max: 4 };
  t.true(ok({ each }, group(2, 4, 3)));
  t.false(ok({ each }, group(2, 5, 3)));
  t.false(ok({ each }, group(1, 3, 3)));
});

test("one: exactly one member got that many and every other got none", (t) => {
  t.true(ok({ one: 50 }, group(0, 50, 0)));
  t.false(ok({ one: 50 }, group(50, 50, 0)), "two members with 50");
  t.false(ok({ one: 50 }, group(1, 50, 0)), "another member got one");
  t.false(ok({ one: 50 }, group(0, 49, 0)));
});

test("fair: the chi-square test decides; an uneven spread fails, and so does a group with no fairness figures", (t) => {
  t.true(ok({ fair: true }, group(50, 48, 53, 49)));
  t.false(ok({ fair: true }, group(200, 0, 0, 0)));
  t.false(ok({ fair: true }, group(0, 0)), "nothing received: no fairness to speak of");
  t.true(ok({}, group(200, 0, 0, 0)), "not asked for: not judged");
});

test("all clauses must hold together", (t) => {
  const e = { total: { min: 200, max: 200 }, each: { min: 30, max: 70 }, fair: true as const };
  t.true(ok(e, group(50, 50, 50, 50)));
  t.false(ok(e, group(50, 50, 50, 49)), "total short by one");
  t.false(ok(e, group(80, 40, 40, 40)), "one member over each");
});

test("an errno, a missing count or a failed step never passes a group expectation", (t) => {
  t.false(ok({}, { ...group(5, 5), errno: "EAGAIN", ret: -1 }));
  t.false(ok({}, { ret: 0, errno: null, trace: [] }));
  t.false(ok({}, { ...group(5, 5), error: "the probe exited" }));
});

test("the failure message shows the fairness figures only when the step asked for fair", (t) => {
  const skewed = group(200, 0, 0, 0);
  const fair = judge({ kind: "group", total: { min: 100, max: 100 }, fair: true }, skewed);
  t.false(fair.ok);
  if (!fair.ok)
    t.regex(
      fair.message,
      /^expected total 100, fair but got 200\/0\/0\/0 \(total 200, max deviation 300%, chi-square 600, p=\S+ \(uneven\)\)$/,
    );
  const plain = judge({ kind: "group", total: { min: 100, max: 100 } }, skewed);
  t.deepEqual(plain, { ok: false, message: "expected total 100 but got 200/0/0/0 (total 200)" });
  const even = judge({ kind: "group", total: { min: 1, max: 1 }, fair: true }, group(5, 5));
  if (!even.ok) t.false(even.message.includes("uneven"));
});
