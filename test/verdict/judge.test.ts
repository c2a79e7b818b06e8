import test from "ava";
import { judge } from "../../lab/verdict/judge";
import type { Observation } from "../../lab/verdict/observation";

const ok: Observation = { ret: 0, errno: null, trace: [] };
const inuse: Observation = { ret: -1, errno: "EADDRINUSE", trace: [] };

test("ok and errno expectations", (t) => {
  t.true(judge({ kind: "ok" }, ok).ok);
  t.deepEqual(judge({ kind: "ok" }, inuse), { ok: false, message: "expected ok but got -1 EADDRINUSE" });
  t.true(judge({ kind: "errno", name: "EADDRINUSE" }, inuse).ok);
  t.deepEqual(judge({ kind: "errno", name: "EADDRINUSE" }, ok), {
    ok: false,
    message: "expected EADDRINUSE but got ok (ret 0)",
  });
  t.false(judge({ kind: "errno", name: "EACCES" }, inuse).ok);
});

test("counts must be exact: a surplus fails as a shortfall does", (t) => {
  const got = (n: number): Observation => ({ ret: n, errno: null, count: n, trace: [] });
  t.true(judge({ kind: "count", range: { min: 20, max: 20 } }, got(20)).ok);
  t.deepEqual(judge({ kind: "count", range: { min: 20, max: 20 } }, got(19)), {
    ok: false,
    message: "expected 20 but got 19",
  });
  t.false(judge({ kind: "count", range: { min: 0, max: 0 } }, got(1)).ok);
  t.false(
    judge({ kind: "count", range: { min: 0, max: 0 } }, { ...inuse, count: 0 }).ok,
    "an errno is not a count of 0",
  );
});

test("TCP states compare as multisets", (t) => {
  const seen: Observation = { ret: 2, errno: null, states: { FIN_WAIT2: 1, LISTEN: 1 }, trace: [] };
  t.true(judge({ kind: "states", states: { LISTEN: 1, FIN_WAIT2: 1 } }, seen).ok);
  t.deepEqual(judge({ kind: "states", states: { FIN_WAIT2: 1 } }, seen), {
    ok: false,
    message: "expected FIN_WAIT2 but got FIN_WAIT2 LISTEN",
  });
  t.true(judge({ kind: "states", states: {} }, { ret: 0, errno: null, states: {}, trace: [] }).ok);
});

test("killed needs a SIGKILL; an error never passes", (t) => {
  t.true(judge({ kind: "killed" }, { ret: null, errno: null, exit: { code: 137, signal: "SIGKILL" }, trace: [] }).ok);
  t.false(judge({ kind: "killed" }, { ret: null, errno: null, exit: { code: 0, signal: null }, trace: [] }).ok);
  const broken: Observation = { ret: null, errno: null, trace: [], error: "the probe exited" };
  for (const e of [
    { kind: "ok" },
    { kind: "count", range: { min: 0, max: 0 } },
    { kind: "states", states: {} },
  ] as const) {
    t.deepEqual(judge(e, broken), {
      ok: false,
      message: `expected ${e.kind === "ok" ? "ok" : e.kind === "count" ? "0" : "none"} but got error: the probe exited`,
    });
  }
});

test("ok needs a call that returned 0 or more with no errno: no call, a negative return or an errno is not ok", (t) => {
  t.true(judge({ kind: "ok" }, { ret: 5, errno: null, trace: [] }).ok);
  t.false(judge({ kind: "ok" }, { ret: null, errno: null, trace: [] }).ok, "no call made");
  t.false(judge({ kind: "ok" }, { ret: -1, errno: null, trace: [] }).ok, "a negative return");
  t.false(judge({ kind: "ok" }, { ret: 0, errno: "EAGAIN", trace: [] }).ok, "an errno");
});

test("an observation carrying an error fails even where its other fields would match", (t) => {
  const error = "the probe exited";
  t.false(judge({ kind: "ok" }, { ...ok, error }).ok);
  t.false(judge({ kind: "count", range: { min: 3, max: 3 } }, { ret: 3, errno: null, count: 3, trace: [], error }).ok);
  t.false(
    judge({ kind: "killed" }, { ret: null, errno: null, exit: { code: null, signal: "SIGKILL" }, trace: [], error }).ok,
  );
});

test("killed with no exit seen, and states with none reported or with an errno, fail without throwing", (t) => {
  t.false(judge({ kind: "killed" }, ok).ok);
  t.deepEqual(judge({ kind: "states", states: {} }, ok), { ok: false, message: "expected none but got ok (ret 0)" });
  t.false(
    judge({ kind: "states", states: { LISTEN: 1 } }, { ...inuse, states: { LISTEN: 1 } }).ok,
    "an errno, though the states match",
  );
});
