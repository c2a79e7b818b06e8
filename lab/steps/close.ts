/** close [NAME]: closes the socket and every connection it accepted. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface CloseStep {
  kind: "close";
  sock: string;
  named?: true;
}

declare module "./registry" {
  interface StepTypes {
    close: CloseStep;
  }
}

const usage = "close [NAME]";

export const closeStep = registerStep<CloseStep>({
  verb: "close",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const name = words.shift();
    noMoreWords(words, usage);
    const s = ctx.sockets.use(ctx.actor, name);
    ctx.sockets.close(ctx.actor, s.name);
    return { kind: "close", sock: s.name, ...namedIf(name) };
  },
  phrase: (step) => `closes ${sockPhrase(step)} and every connection it accepted`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("close", step.sock)])).observation;
  },
});
