/**
 * crash: the actor's process is killed by SIGKILL, as kill -9 would, with every socket and connection
 * it holds; the kernel, not the program, closes them. Later steps of that actor fail.
 */
import { probeCall } from "../probe/commands";
import { errorText } from "./calls";
import { noMoreWords } from "./grammar";
import { registerStep } from "./registry";

export interface CrashStep {
  kind: "crash";
}

declare module "./registry" {
  interface StepTypes {
    crash: CrashStep;
  }
}

const EXIT_WAIT_MS = 10_000;

export const crashStep = registerStep<CrashStep>({
  verb: "crash",
  usage: "crash",
  expects: ["killed"],
  defaultExpectation: () => ({ kind: "killed" }),
  parse(words, ctx) {
    noMoreWords(words, "crash");
    ctx.sockets.forget(ctx.actor);
    return { kind: "crash" };
  },
  phrase: () => "is killed by SIGKILL, with every socket it holds",
  async perform(_step, actor) {
    actor.fire(probeCall("crash"));
    try {
      const exit = await actor.awaitExit(EXIT_WAIT_MS);
      return {
        ret: null,
        errno: null,
        exit,
        trace: [`crash = ${exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`}`],
      };
    } catch (e) {
      return { ret: null, errno: null, trace: ["crash"], error: errorText(e) };
    }
  },
});
