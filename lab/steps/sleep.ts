/** sleep MS: for what only time does (TIME_WAIT expiry); never to wait for delivery. */
import { callChain } from "./calls";
import { noMoreWords, parseCount, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SleepStep {
  kind: "sleep";
  ms: number;
}

export const sleepStep = registerStep<SleepStep>({
  verb: "sleep",
  usage: "sleep MS",
  expects: ["ok"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words) {
    const ms = words.shift();
    if (ms === undefined) throw new StepSyntaxError("sleep needs a duration in milliseconds");
    noMoreWords(words, "sleep MS");
    return { kind: "sleep", ms: parseCount(ms.replace(/ms$/, ""), "duration", 600_000) };
  },
  async perform(step, actor) {
    return (await callChain(actor, [["sleep", String(step.ms)]], step.ms + 5000)).observation;
  },
});
