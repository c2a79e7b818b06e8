// What follows "=>" in a step, read by lab/case/expectation-syntax.ts: the boundaries of each form, and
// each mistake's exact message and fix (the loader prints both as file:line: message; fix).
import test, { type ExecutionContext } from "ava";
import { parseExpectation } from "../../lab/case/expectation-syntax";
import type { ExpectationKind } from "../../lab/verdict/expectation";

const ALL = ["ok", "errno", "count", "states", "killed"] as const;
const GROUP = ["group", "errno"] as const;
const HINT = "write ok, an errno (EADDRINUSE), a count (20) or range (25..75), killed, or TCP states (FIN_WAIT2, none)";
const STATES =
  "known states: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV";

function rejects(
  t: ExecutionContext,
  text: string,
  message: string,
  fix: string | RegExp,
  allowed: readonly ExpectationKind[] = ALL,
): void {
  const e = t.throws(() => parseExpectation(text, allowed), undefined, text) as (Error & { fix?: string }) | undefined;
  t.is(e?.message, message, text);
  if (typeof fix === "string") t.is(e?.fix, fix, text);
  else t.regex(e?.fix ?? "", fix, text);
}

test("nothing, or only blanks, after the arrow", (t) => {
  rejects(t, "", "nothing after '=>'", HINT);
  rejects(t, "   ", "nothing after '=>'", HINT);
});

test("words are trimmed; ok, killed and none are words of their own", (t) => {
  t.deepEqual(parseExpectation("  ok ", ALL), { kind: "ok" });
  t.deepEqual(parseExpectation("killed\t", ALL), { kind: "killed" });
  t.deepEqual(parseExpectation(" none", ALL), { kind: "states", states: {} });
});

test("STATE*N: from 1 to 4096 sockets, written state first", (t) => {
  t.deepEqual(parseExpectation("ESTABLISHED*1", ALL), { kind: "states", states: { ESTABLISHED: 1 } });
  t.deepEqual(parseExpectation("TIME_WAIT*4096", ALL), { kind: "states", states: { TIME_WAIT: 4096 } });
  t.deepEqual(parseExpectation("LISTEN ESTABLISHED*2 ESTABLISHED", ALL), {
    kind: "states",
    states: { LISTEN: 1, ESTABLISHED: 3 },
  });
  rejects(t, "ESTABLISHED*0", "'ESTABLISHED*0' is not 1 to 4096 sockets", "leave the state out (or expect none)");
  rejects(t, "TIME_WAIT*4097", "'TIME_WAIT*4097' is not 1 to 4096 sockets", "expect at most 4096 sockets in one state");
  rejects(t, "8*ESTABLISHED", "'8*ESTABLISHED' puts the count first", "write ESTABLISHED*8");
});

test("a word that is no state, errno or keyword: the closest state, or the list of them", (t) => {
  rejects(t, "TIME_WAITT", "'TIME_WAITT' is not an expectation", `${HINT}; did you mean 'TIME_WAIT'?`);
  rejects(t, "LISTEN BOGUS", "'BOGUS' is not an expectation", `${HINT}; ${STATES}`);
  rejects(t, "BOGUS*2", "'BOGUS' is not an expectation", `${HINT}; ${STATES}`);
  rejects(t, "ok fine", "'ok' is not an expectation", `${HINT}; ${STATES}`);
});

test("errnos: any the system names; an unknown one gets the closest, or the first 16 of them", (t) => {
  t.deepEqual(parseExpectation("E2BIG", ALL), { kind: "errno", name: "E2BIG" });
  // ESTABLISHED looks like an errno; it is a state.
  t.deepEqual(parseExpectation("ESTABLISHED", ALL), { kind: "states", states: { ESTABLISHED: 1 } });
  rejects(t, "EADDRNOTINUSE", "unknown errno 'EADDRNOTINUSE'", "did you mean 'EADDRINUSE'?");
  rejects(
    t,
    "EQQQQQQQQQQQQQQQQ",
    "unknown errno 'EQQQQQQQQQQQQQQQQ'",
    /^known errnos: E2BIG, EACCES, EADDRINUSE, (E[A-Z0-9]+, ){12}E[A-Z0-9]+, … \(\d+ in all\)$/,
  );
});

test("counts and ranges: whole numbers up to 2^53-1, a range not empty", (t) => {
  t.deepEqual(parseExpectation("0", ALL), { kind: "count", range: { min: 0, max: 0 } });
  t.deepEqual(parseExpectation("5..5", ALL), { kind: "count", range: { min: 5, max: 5 } });
  t.deepEqual(parseExpectation("9007199254740991", ALL), {
    kind: "count",
    range: { min: 9007199254740991, max: 9007199254740991 },
  });
  rejects(t, "9007199254740992", "'9007199254740992' is too large to count", "counts go up to 9007199254740991");
  rejects(t, "1..9007199254740992", "'1..9007199254740992' is too large to count", "counts go up to 9007199254740991");
  rejects(t, "75..25", "range '75..25' is empty", "write 25..75");
  rejects(t, "5x", "'5x' is not a count or a range", "write a whole number (20) or a range (25..75)");
  rejects(t, "1..2..3", "'1..2..3' is not a count or a range", "write a whole number (20) or a range (25..75)");
  rejects(t, "2.5", "'2.5' is not a count or a range", "write a whole number (20) or a range (25..75)");
});

test("a step that cannot judge what is written says what it can judge", (t) => {
  rejects(t, "ok", "this step cannot expect ok", "it expects a count", ["count"]);
  rejects(t, "EAGAIN", "this step cannot expect an errno", "it expects ok or a count", ["ok", "count"]);
  rejects(t, "20", "this step cannot expect a count", "it expects ok or an errno", ["ok", "errno"]);
  rejects(t, "LISTEN", "this step cannot expect TCP states", "it expects killed", ["killed"]);
  rejects(t, "killed", "this step cannot expect killed", "it expects TCP states", ["states"]);
  rejects(t, "EAGAIN", "this step cannot expect an errno", "it expects group clauses (total, each, one, fair)", [
    "group",
  ]);
});

test("group clauses: each alone, a range, fair alone, commas with blanks around them", (t) => {
  t.deepEqual(parseExpectation("each 5", GROUP), { kind: "group", each: { min: 5, max: 5 } });
  t.deepEqual(parseExpectation(" total 5..9 ,  fair ", GROUP), {
    kind: "group",
    total: { min: 5, max: 9 },
    fair: true,
  });
  t.deepEqual(parseExpectation("fair", GROUP), { kind: "group", fair: true });
  t.deepEqual(parseExpectation("one 1", GROUP), { kind: "group", one: 1 });
  rejects(
    t,
    "one 0",
    "'one 0' can never hold: 'one N' means one member got N and every other none",
    "to expect that no member got anything, write 'total 0'",
    GROUP,
  );
  rejects(t, "EBOGUS", "unknown errno 'EBOGUS'", /^did you mean 'E[A-Z]+'\?$|^known errnos: /, GROUP);
  rejects(
    t,
    "total 200 each 30",
    "'total 200 each 30' is not one clause",
    "separate clauses with commas: total 200, each 30..70, fair",
    GROUP,
  );
  const notGroup = "a group expects clauses: total N|A..B, each N|A..B, one N, fair";
  for (const clause of ["total", "each", "one", "one 5..6", "one x", "fair 1", "most 50", ""])
    rejects(t, clause, `'${clause}' is not a group expectation`, notGroup, GROUP);
  rejects(t, "total 5, ", "'' is not a group expectation", notGroup, GROUP);
  rejects(t, "total x", "'x' is not a count or a range", "write a whole number (20) or a range (25..75)", GROUP);
  rejects(t, "each 9..3", "range '9..3' is empty", "write 3..9", GROUP);
  for (const text of ["one 50, each 5", "total 50, one 50"])
    rejects(
      t,
      text,
      "'one N' says every other member got 0; it does not combine with each or total",
      "write either 'one N' or 'total …, each …'",
      GROUP,
    );
});

test("blanks between words, and words that only start or end like a state, an errno or a count", (t) => {
  t.deepEqual(parseExpectation("LISTEN  \t TIME_WAIT", ALL), { kind: "states", states: { LISTEN: 1, TIME_WAIT: 1 } });
  t.deepEqual(parseExpectation("total  200,each 5", GROUP), {
    kind: "group",
    total: { min: 200, max: 200 },
    each: { min: 5, max: 5 },
  });
  rejects(t, "ESTABLISHED*2x", "'ESTABLISHED*2x' is not an expectation", `${HINT}; did you mean 'ESTABLISHED'?`);
  rejects(t, "xESTABLISHED*2", "'xESTABLISHED*2' is not an expectation", `${HINT}; did you mean 'ESTABLISHED'?`);
  rejects(t, "EADDRINUSEx", "'EADDRINUSEx' is not an expectation", `${HINT}; ${STATES}`);
  rejects(
    t,
    "EAGAINx",
    "'EAGAINx' is not a group expectation",
    "a group expects clauses: total N|A..B, each N|A..B, one N, fair",
    GROUP,
  );
  rejects(
    t,
    "one x5",
    "'one x5' is not a group expectation",
    "a group expects clauses: total N|A..B, each N|A..B, one N, fair",
    GROUP,
  );
  rejects(t, "total x5", "'x5' is not a count or a range", "write a whole number (20) or a range (25..75)", GROUP);
  rejects(
    t,
    "one 1, each 5",
    "'one N' says every other member got 0; it does not combine with each or total",
    "write either 'one N' or 'total …, each …'",
    GROUP,
  );
});

test("a count written first, of two digits or inside more words; an errno-like word not at the start; blanks around an errno in a group", (t) => {
  rejects(t, "12*TIME_WAIT", "'12*TIME_WAIT' puts the count first", "write TIME_WAIT*12");
  rejects(
    t,
    "8*ESTABLISHED LISTEN",
    "'8*ESTABLISHED LISTEN' is not a count or a range",
    "write a whole number (20) or a range (25..75)",
  );
  rejects(t, "XEBADF", "'XEBADF' is not an expectation", `${HINT}; ${STATES}`);
  rejects(t, "x8*ESTABLISHED", "'x8*ESTABLISHED' is not an expectation", `${HINT}; did you mean 'ESTABLISHED'?`);
  rejects(
    t,
    "XEAGAIN",
    "'XEAGAIN' is not a group expectation",
    "a group expects clauses: total N|A..B, each N|A..B, one N, fair",
    GROUP,
  );
  t.deepEqual(parseExpectation(" EAGAIN ", GROUP), { kind: "errno", name: "EAGAIN" });
});
