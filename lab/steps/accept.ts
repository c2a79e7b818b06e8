/** accept [N] [within MS] [on NAME]: accepts up to N connections and keeps them open. */
import { callChain, numberField } from "./calls";
import { noMoreWords, parseCount, takeKeyword, takeMilliseconds } from "./grammar";
import { registerStep } from "./registry";
import { exactly } from "../verdict/expectation";

export interface AcceptStep {
  kind: "accept";
  sock: string;
  count: number;
  timeoutMs: number;
}

const usage = "accept [N] [within MS] [on NAME]";

export const acceptStep = registerStep<AcceptStep>({
  verb: "accept",
  usage,
  expects: ["count", "errno"],
  defaultExpectation: (step) => ({ kind: "count", range: exactly(step.count) }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const timeoutMs = takeMilliseconds(words, "within") ?? 2000;
    const count = words.length ? parseCount(words.shift()!, "connection count", 4096) : 1;
    noMoreWords(words, usage);
    return { kind: "accept", sock: ctx.sockets.use(ctx.actor, on).name, count, timeoutMs };
  },
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [["accept", step.sock, String(step.count), String(step.timeoutMs)]], step.timeoutMs + 5000);
    const accepted = numberField(last, "accepted");
    return accepted === undefined ? observation : { ...observation, count: accepted };
  },
});
