/** setuid UID: the actor's process changes uid; sockets it already made keep their owner. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parseCount, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SetuidStep {
  kind: "setuid";
  uid: number;
}

declare module "./registry" {
  interface StepTypes {
    setuid: SetuidStep;
  }
}

export const setuidStep = registerStep<SetuidStep>({
  verb: "setuid",
  usage: "setuid UID",
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words) {
    const uid = words.shift();
    if (uid === undefined) throw new StepSyntaxError("setuid needs a uid");
    noMoreWords(words, "setuid UID");
    return { kind: "setuid", uid: parseCount(uid, "uid", 2 ** 31 - 1) };
  },
  phrase: (step) => `switches to uid ${step.uid}`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("setuid", String(step.uid))])).observation;
  },
});
