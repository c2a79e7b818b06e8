/** close-listener [on NAME]: closes a listening socket; the connections it accepted stay open. */
import { callChain } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface CloseListenerStep {
  kind: "close-listener";
  sock: string;
}

const usage = "close-listener [on NAME]";

export const closeListenerStep = registerStep<CloseListenerStep>({
  verb: "close-listener",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    noMoreWords(words, usage);
    return { kind: "close-listener", sock: ctx.sockets.use(ctx.actor, on).name };
  },
  async perform(step, actor) {
    return (await callChain(actor, [["closelistener", step.sock]])).observation;
  },
});
