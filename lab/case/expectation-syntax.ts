/** Reading what follows "=>" in a step. */
import { constants } from "node:os";
import { StepSyntaxError } from "../steps/grammar";
import { TCP_STATES, type Expectation, type ExpectationKind } from "../verdict/expectation";
import { suggestion } from "./problems";

const ERRNO_NAMES = Object.keys(constants.errno);

export function parseExpectation(text: string, allowed: readonly ExpectationKind[]): Expectation {
  const e = read(text.trim());
  if (!allowed.includes(e.kind)) {
    throw new StepSyntaxError(`this step cannot expect ${describeKind(e.kind)}`, `it expects ${allowed.map(describeKind).join(" or ")}`);
  }
  return e;
}

function read(text: string): Expectation {
  if (text === "") throw new StepSyntaxError("nothing after '=>'", "write ok, an errno such as EADDRINUSE, a count, or TCP states");
  if (text === "ok") return { kind: "ok" };
  if (text === "killed") return { kind: "killed" };
  if (/^\d+$/.test(text)) return { kind: "count", value: Number(text) };
  if (/^E[A-Z0-9]+$/.test(text)) {
    if (!ERRNO_NAMES.includes(text)) throw new StepSyntaxError(`unknown errno '${text}'`, suggestion(text, ERRNO_NAMES, "errnos"));
    return { kind: "errno", name: text };
  }
  if (text === "none") return { kind: "states", states: {} };
  const states: Record<string, number> = {};
  for (const word of text.split(/\s+/)) {
    if (!(TCP_STATES as readonly string[]).includes(word)) {
      throw new StepSyntaxError(`'${word}' is not an expectation`, `write ok, an errno (EADDRINUSE), a count (20), killed, or TCP states (${suggestion(word, [...TCP_STATES], "states")})`);
    }
    states[word] = (states[word] ?? 0) + 1;
  }
  return { kind: "states", states };
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
  }
}
