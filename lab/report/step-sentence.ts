/**
 * A case step in words, for `reuselab explain`: "attacker binds a new UDP socket to $victim:5353 with
 * SO_REUSEADDR and expects EADDRINUSE". Made from the parsed step, so it says what the lab will do,
 * not what the text seems to say. Each step kind words its own part (its module's phrase(), kept in the
 * case when it loads: explain from the cached catalogue loads no step module).
 */
import type { CaseStep } from "../case/case";
import { describeSelector } from "../case/kernel-selector";
import { describeExpectation, type Expectation } from "../verdict/expectation";

/** "expects EADDRINUSE"; for a group, "expect total 200, each 30..70, fair". */
export function expectationPhrase(e: Expectation, plural = false): string {
  const expect = plural ? "expect" : "expects";
  switch (e.kind) {
    case "ok":
      return `${expect} it to succeed`;
    case "killed":
      return `${expect} it to die of SIGKILL`;
    default:
      return `${expect} ${describeExpectation(e)}`;
  }
}

/** The whole step as a sentence, with the kernels on which it expects something else. */
export function stepSentence(s: CaseStep): string {
  const group = s.members !== undefined;
  const byKernel = s.byKernel
    .map((k) => `; on ${describeSelector(k.selector)} ${group ? "they" : "it"} ${expectationPhrase(k.expect, group)}`)
    .join("");
  if (s.members) {
    const who = s.members.map((m) => m.actor).join(", ");
    return `${s.actor} (${who}): each ${s.phrase.replace(/\bits socket\b/, "its own socket")}; together they ${expectationPhrase(s.expect, true)}${byKernel}`;
  }
  return `${s.actor} ${s.phrase} and ${expectationPhrase(s.expect)}${byKernel}`;
}
