/** shutdown rd|wr|rdwr [on NAME] */
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface ShutdownStep {
  kind: "shutdown";
  sock: string;
  how: "rd" | "wr" | "rdwr";
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
    if (how !== "rd" && how !== "wr" && how !== "rdwr") throw new StepSyntaxError(`shutdown takes rd, wr or rdwr, not '${how ?? ""}'`);
    noMoreWords(words, usage);
    return { kind: "shutdown", sock: ctx.sockets.use(ctx.actor, on).name, how };
  },
  async perform(step, actor) {
    return (await callChain(actor, [["shutdown", step.sock, step.how]])).observation;
  },
});
