/**
 * recv [within MS] [on NAME] => N | A..B: counts the datagrams that reached the socket.
 *
 * Waits (bounded by MS, 2000 by default) until N (or A) have come, then goes on taking them until none
 * has come for a quiet period, so a surplus shows. Expecting 0, it waits a short grace for a datagram
 * that should not come: put the steps that expect datagrams first, and a 0 is judged after they came.
 */
import { probeCall, replyFields } from "../probe/commands";
import { noMoreWords, StepSyntaxError, takeKeyword, takeMilliseconds } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";
import { countSettled } from "./settle";

export interface RecvStep {
  kind: "recv";
  sock: string;
  named?: true;
  timeoutMs?: number;
}

declare module "./registry" {
  interface StepTypes {
    recv: RecvStep;
  }
}

const usage = "recv [within MS] [on NAME] => COUNT";
const DEFAULT_WAIT_MS = 2000;
const ZERO_GRACE_MS = 100;
const QUIET_MS = 50;

export const recvStep = registerStep<RecvStep>({
  verb: "recv",
  usage,
  expects: ["count", "errno"],
  defaultExpectation: () => undefined,
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const timeoutMs = takeMilliseconds(words, "within");
    noMoreWords(words, usage);
    const s = ctx.sockets.use(ctx.actor, on);
    if (s.proto !== "udp")
      throw new StepSyntaxError(
        `recv counts datagrams; ${ctx.actor}'s '${s.name}' is TCP`,
        "use accept for TCP connections",
      );
    return { kind: "recv", sock: s.name, ...namedIf(on), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  },
  phrase: (step) => `counts the datagrams that reach ${sockPhrase(step)}`,
  group: {
    proto: "udp",
    drain: (step) => probeCall("recv", step.sock, "0", "0"),
    taken: (reply) => replyFields("recv", reply).received,
    timeoutMs: (step) => step.timeoutMs,
  },
  perform(step, actor, expect, settle) {
    const want = expect.kind === "count" ? expect.range.min : 0;
    const [min, wait] = want === 0 ? [1, step.timeoutMs ?? ZERO_GRACE_MS] : [want, step.timeoutMs ?? DEFAULT_WAIT_MS];
    return countSettled(
      actor,
      {
        proto: "udp",
        take: () => probeCall("recv", step.sock, "0", "0"),
        // Datagrams already taken count toward MIN; once it is met, only the quiet period is waited.
        timed: (taken) =>
          probeCall("recv", step.sock, String(Math.max(min - taken, 0)), String(wait), String(QUIET_MS)),
        taken: (reply) => replyFields("recv", reply).received,
        callTimeoutMs: wait + 5000,
      },
      settle,
    );
  },
});
