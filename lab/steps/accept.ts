/** accept [N] [within MS] [on NAME]: accepts up to N connections and keeps them open. */
import { replyFields, probeCall } from "../probe/commands";
import { noMoreWords, parseCount, takeKeyword, takeMilliseconds } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";
import { countSettled } from "./settle";
import { exactly } from "../verdict/expectation";

export interface AcceptStep {
  kind: "accept";
  sock: string;
  named?: true;
  count: number;
  timeoutMs: number;
}

declare module "./registry" {
  interface StepTypes {
    accept: AcceptStep;
  }
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
    return { kind: "accept", sock: ctx.sockets.use(ctx.actor, on).name, ...namedIf(on), count, timeoutMs };
  },
  phrase: (step) =>
    `accepts up to ${step.count} connection${step.count === 1 ? "" : "s"} on ${sockPhrase(step)} and keeps them open`,
  group: {
    proto: "tcp",
    drain: (step) => probeCall("accept", step.sock, "4096", "0"),
    taken: (reply) => replyFields("accept", reply).accepted,
    timeoutMs: (step) => step.timeoutMs,
  },
  perform(step, actor, _expect, settle) {
    return countSettled(
      actor,
      {
        proto: "tcp",
        take: (taken) =>
          taken < step.count ? probeCall("accept", step.sock, String(step.count - taken), "0") : undefined,
        timed: (taken) =>
          taken < step.count
            ? probeCall("accept", step.sock, String(step.count - taken), String(step.timeoutMs))
            : undefined,
        taken: (reply) => replyFields("accept", reply).accepted,
        callTimeoutMs: step.timeoutMs + 5000,
      },
      settle,
    );
  },
});
