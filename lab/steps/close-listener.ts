/** close-listener [on NAME]: closes a listening socket; the connections it accepted stay open. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface CloseListenerStep {
  kind: "close-listener";
  sock: string;
  named?: true;
}

declare module "./registry" {
  interface StepTypes {
    "close-listener": CloseListenerStep;
  }
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
    return { kind: "close-listener", sock: ctx.sockets.use(ctx.actor, on).name, ...namedIf(on) };
  },
  phrase: (step) => `closes ${sockPhrase(step)}, the listener, but keeps the connections it accepted`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("closelistener", step.sock)])).observation;
  },
});
