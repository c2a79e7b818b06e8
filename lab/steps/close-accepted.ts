/** close-accepted [on NAME] => N: closes the connections a listener accepted; the listener stays open. */
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface CloseAcceptedStep {
  kind: "close-accepted";
  sock: string;
  named?: true;
}

declare module "./registry" {
  interface StepTypes {
    "close-accepted": CloseAcceptedStep;
  }
}

const usage = "close-accepted [on NAME]";

export const closeAcceptedStep = registerStep<CloseAcceptedStep>({
  verb: "close-accepted",
  usage,
  expects: ["ok", "count"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    noMoreWords(words, usage);
    return { kind: "close-accepted", sock: ctx.sockets.use(ctx.actor, on).name, ...namedIf(on) };
  },
  phrase: (step) => `closes the connections ${sockPhrase(step)} accepted, keeping the listener`,
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [probeCall("closeaccepted", step.sock)]);
    const closed = replyFields("closeaccepted", last).closed;
    return closed === undefined ? observation : { ...observation, count: closed };
  },
});
