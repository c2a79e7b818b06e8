/** disconnect [on NAME]: connect(AF_UNSPEC), so a UDP socket forgets its peer (a TCP one is reset). */
import { callChain } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface DisconnectStep {
  kind: "disconnect";
  sock: string;
}

const usage = "disconnect [on NAME]";

export const disconnectStep = registerStep<DisconnectStep>({
  verb: "disconnect",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    noMoreWords(words, usage);
    return { kind: "disconnect", sock: ctx.sockets.use(ctx.actor, on).name };
  },
  async perform(step, actor) {
    return (await callChain(actor, [["disconnect", step.sock]])).observation;
  },
});
