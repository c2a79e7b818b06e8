/** setuid UID: the actor's process changes uid; sockets it already made keep their owner. */
import { callChain } from "./calls";
import { noMoreWords, parseCount, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SetuidStep {
  kind: "setuid";
  uid: number;
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
  async perform(step, actor) {
    return (await callChain(actor, [["setuid", String(step.uid)]])).observation;
  },
});
