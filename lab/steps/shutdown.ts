/** shutdown rd|wr|rdwr [on NAME] */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface ShutdownStep {
  kind: "shutdown";
  sock: string;
  named?: true;
  how: "rd" | "wr" | "rdwr";
}

declare module "./registry" {
  interface StepTypes {
    shutdown: ShutdownStep;
  }
}

const usage = "shutdown rd|wr|rdwr [on NAME]";

export const shutdownStep = registerStep<ShutdownStep>({
  verb: "shutdown",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const how = words.shift();
    if (how !== "rd" && how !== "wr" && how !== "rdwr")
      throw new StepSyntaxError(`shutdown takes rd, wr or rdwr, not '${how ?? ""}'`);
    noMoreWords(words, usage);
    return { kind: "shutdown", sock: ctx.sockets.use(ctx.actor, on).name, ...namedIf(on), how };
  },
  phrase: (step) =>
    `shuts ${sockPhrase(step)} down for ${{ rd: "reading", wr: "writing", rdwr: "reading and writing" }[step.how]}`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("shutdown", step.sock, step.how)])).observation;
  },
});
