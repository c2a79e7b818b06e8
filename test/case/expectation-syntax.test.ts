import test from "ava";
import { parseExpectation } from "../../lab/case/expectation-syntax";

const ALL = ["ok", "errno", "count", "states", "killed"] as const;

test("ok, errnos, counts, ranges, killed", (t) => {
  t.deepEqual(parseExpectation("ok", ALL), { kind: "ok" });
  t.deepEqual(parseExpectation("EADDRINUSE", ALL), { kind: "errno", name: "EADDRINUSE" });
  t.deepEqual(parseExpectation("20", ALL), { kind: "count", range: { min: 20, max: 20 } });
  t.deepEqual(parseExpectation("25..75", ALL), { kind: "count", range: { min: 25, max: 75 } });
  t.deepEqual(parseExpectation("killed", ALL), { kind: "killed" });
  t.throws(() => parseExpectation("75..25", ALL), { message: "range '75..25' is empty" });
  t.throws(() => parseExpectation("EADDRNOTINUSE", ALL), { message: "unknown errno 'EADDRNOTINUSE'" });
});

test("TCP states: a multiset, STATE*N, none; ESTABLISHED is a state, not an errno", (t) => {
  t.deepEqual(parseExpectation("ESTABLISHED", ALL), { kind: "states", states: { ESTABLISHED: 1 } });
  t.deepEqual(parseExpectation("LISTEN TIME_WAIT TIME_WAIT", ALL), { kind: "states", states: { LISTEN: 1, TIME_WAIT: 2 } });
  t.deepEqual(parseExpectation("ESTABLISHED*8", ALL), { kind: "states", states: { ESTABLISHED: 8 } });
  t.deepEqual(parseExpectation("none", ALL), { kind: "states", states: {} });
  t.throws(() => parseExpectation("TIME_WAITT", ALL), { message: "'TIME_WAITT' is not an expectation" });
});

test("a step only accepts the expectations it can judge", (t) => {
  t.throws(() => parseExpectation("20", ["ok", "errno"]), { message: "this step cannot expect a count" });
  t.throws(() => parseExpectation("", ALL), { message: "nothing after '=>'" });
});

test("group clauses", (t) => {
  const G = ["group", "errno"] as const;
  t.deepEqual(parseExpectation("total 200, each 20..80, fair", G), { kind: "group", total: { min: 200, max: 200 }, each: { min: 20, max: 80 }, fair: true });
  t.deepEqual(parseExpectation("one 50", G), { kind: "group", one: 50 });
  t.deepEqual(parseExpectation("EAGAIN", G), { kind: "errno", name: "EAGAIN" });
  t.throws(() => parseExpectation("one 50, total 50", G), { message: /does not combine/ });
  // No run can pass it: the one member with 0 would leave another member with a count.
  t.throws(() => parseExpectation("one 0", G), { message: /'one 0' can never hold/ });
  t.throws(() => parseExpectation("total 0, one 0", G), { message: /'one 0' can never hold/ });
  t.deepEqual(parseExpectation("one 1", G), { kind: "group", one: 1 });
  t.throws(() => parseExpectation("most 50", G), { message: "'most 50' is not a group expectation" });
  t.throws(() => parseExpectation("total 200 each 30", G), { message: "'total 200 each 30' is not one clause" });
});
