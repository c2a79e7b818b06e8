/** listen [BACKLOG] [on NAME] */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parseCount, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface ListenStep {
  kind: "listen";
  sock: string;
  backlog: number;
  /** Set when the case wrote the backlog (else it is 128). */
  backlogWritten?: true;
  named?: true;
}

declare module "./registry" {
  interface StepTypes {
    listen: ListenStep;
  }
}

const usage = "listen [BACKLOG] [on NAME]";

export const listenStep = registerStep<ListenStep>({
  verb: "listen",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const backlogWritten = words.length > 0;
    const backlog = backlogWritten ? parseCount(words.shift()!, "backlog", 65535) : 128;
    noMoreWords(words, usage);
    return {
      kind: "listen",
      sock: ctx.sockets.use(ctx.actor, on).name,
      ...namedIf(on),
      backlog,
      ...(backlogWritten ? { backlogWritten: true as const } : {}),
    };
  },
  phrase: (step) => `listens on ${sockPhrase(step)}${step.backlogWritten ? ` with a backlog of ${step.backlog}` : ""}`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("listen", step.sock, String(step.backlog))])).observation;
  },
});
