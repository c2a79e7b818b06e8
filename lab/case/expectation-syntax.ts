/** Reading what follows "=>" in a step. */
import { constants } from "node:os";
import { StepSyntaxError } from "../steps/grammar";
import { exactly, TCP_STATES, type Expectation, type ExpectationKind, type Range } from "../verdict/expectation";
import { suggestion } from "../problems";

const ERRNO_NAMES = Object.keys(constants.errno);
/** More sockets in one state than a case can make (connect-many makes at most 4096). */
const MAX_STATES = 4096;
const HINT = "write ok, an errno (EADDRINUSE), a count (20) or range (25..75), killed, or TCP states (FIN_WAIT2, none)";

export function parseExpectation(text: string, allowed: readonly ExpectationKind[]): Expectation {
  const e = allowed.includes("group") ? readGroup(text.trim()) : read(text.trim());
  if (!allowed.includes(e.kind)) {
    throw new StepSyntaxError(
      `this step cannot expect ${describeKind(e.kind)}`,
      `it expects ${allowed.map(describeKind).join(" or ")}`,
    );
  }
  return e;
}

function read(text: string): Expectation {
  if (text === "") throw new StepSyntaxError("nothing after '=>'", HINT);
  if (text === "ok") return { kind: "ok" };
  if (text === "killed") return { kind: "killed" };
  const backwards = /^(\d+)\*([A-Z_0-9]+)$/.exec(text);
  if (backwards) throw new StepSyntaxError(`'${text}' puts the count first`, `write ${backwards[2]}*${backwards[1]}`);
  if (/^\d/.test(text)) return { kind: "count", range: parseRange(text) };
  // "ESTABLISHED*8" stands for eight ESTABLISHED.
  const words = text.split(/\s+/).flatMap((w) => {
    const m = /^([A-Z_0-9]+)\*(\d+)$/.exec(w);
    if (!m) return [w];
    const n = Number(m[2]);
    if (n < 1 || n > MAX_STATES)
      throw new StepSyntaxError(
        `'${w}' is not 1 to ${MAX_STATES} sockets`,
        n < 1 ? "leave the state out (or expect none)" : `expect at most ${MAX_STATES} sockets in one state`,
      );
    return Array<string>(n).fill(m[1]!);
  });
  if (words.length && words.every((w) => (TCP_STATES as readonly string[]).includes(w)))
    return { kind: "states", states: countStates(words) };
  if (/^E[A-Z0-9]+$/.test(text)) {
    if (!ERRNO_NAMES.includes(text))
      throw new StepSyntaxError(`unknown errno '${text}'`, suggestion(text, ERRNO_NAMES, "errnos"));
    return { kind: "errno", name: text };
  }
  if (text === "none") return { kind: "states", states: {} };
  const wrong = words.find((w) => !(TCP_STATES as readonly string[]).includes(w))!;
  throw new StepSyntaxError(
    `'${wrong}' is not an expectation`,
    `${HINT}; ${suggestion(wrong, [...TCP_STATES], "states")}`,
  );
}

/**
 * The expectation that describeExpectation (lab/verdict/expectation.ts) put in words: how results read
 * from a JSON file (schema 1 keeps an expectation as its words) get it back as data.
 */
export function readDescribedExpectation(text: string): Expectation {
  try {
    return read(text.trim());
  } catch (e) {
    if (!(e instanceof StepSyntaxError)) throw e;
    // "total 200, each 30..70, fair", "one 50": a group's clauses.
    return readGroup(text.trim());
  }
}

function countStates(words: string[]): Record<string, number> {
  const states: Record<string, number> = {};
  for (const w of words) states[w] = (states[w] ?? 0) + 1;
  return states;
}

/** The words that start a group's clauses. */
export const GROUP_CLAUSES = ["total", "each", "one", "fair"] as const;
/** The words an expectation may be, besides numbers, errnos and TCP states. */
export const EXPECTATION_WORDS = ["ok", "killed", "none"] as const;

/** "total 200, each 30..70, fair" or "one 50" (an errno is also allowed: every member's call failed so). */
function readGroup(text: string): Expectation {
  if (/^E[A-Z0-9]+$/.test(text)) return read(text);
  const e: Extract<Expectation, { kind: "group" }> = { kind: "group" };
  for (const clause of text.split(",").map((c) => c.trim())) {
    const [word, value, ...rest] = clause.split(/\s+/);
    if (rest.length)
      throw new StepSyntaxError(
        `'${clause}' is not one clause`,
        "separate clauses with commas: total 200, each 30..70, fair",
      );
    if (word === "total" && value) e.total = parseRange(value);
    else if (word === "each" && value) e.each = parseRange(value);
    else if (word === "one" && value === "0")
      throw new StepSyntaxError(
        "'one 0' can never hold: 'one N' means one member got N and every other none",
        "to expect that no member got anything, write 'total 0'",
      );
    else if (word === "one" && value && /^\d+$/.test(value)) e.one = Number(value);
    else if (word === "fair" && value === undefined) e.fair = true;
    else
      throw new StepSyntaxError(
        `'${clause}' is not a group expectation`,
        "a group expects clauses: total N|A..B, each N|A..B, one N, fair",
      );
  }
  if (e.one !== undefined && (e.each || e.total))
    throw new StepSyntaxError(
      "'one N' says every other member got 0; it does not combine with each or total",
      "write either 'one N' or 'total …, each …'",
    );
  return e;
}

export function parseRange(text: string): Range {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  if (!m)
    throw new StepSyntaxError(`'${text}' is not a count or a range`, "write a whole number (20) or a range (25..75)");
  const r = m[2] === undefined ? exactly(Number(m[1])) : { min: Number(m[1]), max: Number(m[2]) };
  if (!Number.isSafeInteger(r.max))
    throw new StepSyntaxError(`'${text}' is too large to count`, `counts go up to ${Number.MAX_SAFE_INTEGER}`);
  if (r.min > r.max) throw new StepSyntaxError(`range '${text}' is empty`, `write ${r.max}..${r.min}`);
  return r;
}

function describeKind(kind: ExpectationKind): string {
  switch (kind) {
    case "ok":
      return "ok";
    case "errno":
      return "an errno";
    case "count":
      return "a count";
    case "states":
      return "TCP states";
    case "killed":
      return "killed";
    case "group":
      return "group clauses (total, each, one, fair)";
  }
}
