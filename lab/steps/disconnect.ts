/** disconnect [on NAME]: connect(AF_UNSPEC), so a UDP socket forgets its peer (a TCP one is reset). */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface DisconnectStep {
  kind: "disconnect";
  sock: string;
  named?: true;
}

declare module "./registry" {
  interface StepTypes {
    disconnect: DisconnectStep;
  }
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
    return { kind: "disconnect", sock: ctx.sockets.use(ctx.actor, on).name, ...namedIf(on) };
  },
  phrase: (step) => `disconnects ${sockPhrase(step)} (connect() with AF_UNSPEC: a UDP socket forgets its peer)`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("disconnect", step.sock)])).observation;
  },
});
