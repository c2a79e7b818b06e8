/** close-accepted [on NAME] => N: closes the connections a listener accepted; the listener stays open. */
import { callChain, numberField } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface CloseAcceptedStep {
  kind: "close-accepted";
  sock: string;
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
    return { kind: "close-accepted", sock: ctx.sockets.use(ctx.actor, on).name };
  },
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [["closeaccepted", step.sock]]);
    const closed = numberField(last, "closed");
    return closed === undefined ? observation : { ...observation, count: closed };
  },
});
