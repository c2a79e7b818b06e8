/** listen [BACKLOG] [on NAME] */
import { callChain } from "./calls";
import { noMoreWords, parseCount, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface ListenStep {
  kind: "listen";
  sock: string;
  backlog: number;
}

const usage = "listen [BACKLOG] [on NAME]";

export const listenStep = registerStep<ListenStep>({
  verb: "listen",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const backlog = words.length ? parseCount(words.shift()!, "backlog", 65535) : 128;
    noMoreWords(words, usage);
    return { kind: "listen", sock: ctx.sockets.use(ctx.actor, on).name, backlog };
  },
  async perform(step, actor) {
    return (await callChain(actor, [["listen", step.sock, String(step.backlog)]])).observation;
  },
});
