/**
 * recv [within MS] [on NAME] => N | A..B: counts the datagrams that reached the socket.
 *
 * Waits (bounded by MS, 2000 by default) until N (or A) have come, then goes on taking them until none
 * has come for a quiet period, so a surplus shows. Expecting 0, it waits a short grace for a datagram
 * that should not come: put the steps that expect datagrams first, and a 0 is judged after they came.
 */
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword, takeMilliseconds } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

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
    drain: (step) => probeCall("recv", step.sock, "0", "0"),
    taken: (reply) => replyFields("recv", reply).received,
    timeoutMs: (step) => step.timeoutMs,
  },
  async perform(step, actor, expect) {
    const want = expect.kind === "count" ? expect.range.min : 0;
    const [min, wait] = want === 0 ? [1, step.timeoutMs ?? ZERO_GRACE_MS] : [want, step.timeoutMs ?? DEFAULT_WAIT_MS];
    const { observation, last } = await callChain(
      actor,
      [probeCall("recv", step.sock, String(min), String(wait), String(QUIET_MS))],
      wait + 5000,
    );
    const received = replyFields("recv", last).received;
    return received === undefined ? observation : { ...observation, count: received };
  },
});
