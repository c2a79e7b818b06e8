import test from "ava";
import { parseExpectation, readDescribedExpectation } from "../../lab/case/expectation-syntax";
import { loadCatalogue } from "../../lab/case/load-cases";
import { describeExpectation } from "../../lab/verdict/expectation";

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
  t.deepEqual(parseExpectation("LISTEN TIME_WAIT TIME_WAIT", ALL), {
    kind: "states",
    states: { LISTEN: 1, TIME_WAIT: 2 },
  });
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
  t.deepEqual(parseExpectation("total 200, each 20..80, fair", G), {
    kind: "group",
    total: { min: 200, max: 200 },
    each: { min: 20, max: 80 },
    fair: true,
  });
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

test("every expectation of the catalogue reads back from its words (how merged results get theirs)", (t) => {
  const { cases } = loadCatalogue(["cases", "test/fixtures/report", "test/fixtures/known-bugs"]);
  let n = 0;
  for (const c of cases)
    for (const v of c.variants)
      for (const s of v.steps)
        for (const e of [s.expect, ...s.byKernel.map((k) => k.expect)]) {
          t.deepEqual(
            readDescribedExpectation(describeExpectation(e)),
            e,
            `${c.id}:${s.source.line}: ${describeExpectation(e)}`,
          );
          n++;
        }
  t.true(n > 1000, `${n} expectations`);
  for (const kind of ["ok", "errno", "count", "states", "killed", "group"])
    t.true(
      cases.some((c) => c.variants.some((v) => v.steps.some((s) => s.expect.kind === kind))),
      `the catalogue has no '${kind}' expectation to read back`,
    );
  t.deepEqual(readDescribedExpectation("total 200, each 30..70, fair"), {
    kind: "group",
    total: { min: 200, max: 200 },
    each: { min: 30, max: 70 },
    fair: true,
  });
  t.deepEqual(readDescribedExpectation("one 50"), { kind: "group", one: 50 });
  t.deepEqual(readDescribedExpectation("ESTABLISHED*8 LISTEN"), {
    kind: "states",
    states: { ESTABLISHED: 8, LISTEN: 1 },
  });
  t.throws(() => readDescribedExpectation("maybe"), { message: /is not a group expectation/ });
});

test("described words read with the spaces around them trimmed, an unknown errno named as one", (t) => {
  t.deepEqual(readDescribedExpectation(" ok "), { kind: "ok" });
  t.deepEqual(readDescribedExpectation(" total 5 "), { kind: "group", total: { min: 5, max: 5 } });
  t.throws(() => readDescribedExpectation(" EFOO "), { message: "unknown errno 'EFOO'" });
});

test("a clause with a 0 that is not 'one 0' is not a group expectation", (t) => {
  for (const clause of ["fair 0", "x 0"])
    t.throws(() => parseExpectation(clause, ["group"]), { message: `'${clause}' is not a group expectation` }, clause);
  t.throws(() => parseExpectation("one 0", ["group"]), {
    message: "'one 0' can never hold: 'one N' means one member got N and every other none",
  });
});
