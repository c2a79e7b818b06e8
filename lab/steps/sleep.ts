/** sleep MS: for what only time does (TIME_WAIT expiry); never to wait for delivery. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parseCount, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SleepStep {
  kind: "sleep";
  ms: number;
}

declare module "./registry" {
  interface StepTypes {
    sleep: SleepStep;
  }
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
  phrase: (step) => `waits ${step.ms} ms`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("sleep", String(step.ms))], step.ms + 5000)).observation;
  },
});
