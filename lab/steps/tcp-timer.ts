/**
 * tcp-timer PORT STATE => MS | A..B: the longest time left, in milliseconds, on the timer of the
 * actor's netns's TCP sockets in STATE with PORT at either end (from /proc/net/tcp, in USER_HZ ticks).
 * For TIME_WAIT it is the time until the socket is gone: TCP_TIMEWAIT_LEN when it has just begun.
 */
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parsePort, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";
import { suggestion } from "../problems";
import { TCP_STATES } from "../verdict/expectation";

export interface TcpTimerStep {
  kind: "tcp-timer";
  port: number;
  state: string;
}

declare module "./registry" {
  interface StepTypes {
    "tcp-timer": TcpTimerStep;
  }
}

const usage = "tcp-timer PORT STATE => MS | A..B";

export const tcpTimerStep = registerStep<TcpTimerStep>({
  verb: "tcp-timer",
  usage,
  expects: ["count"],
  defaultExpectation: () => undefined,
  parse(words) {
    const port = parsePort(words.shift() ?? "");
    const state = words.shift() ?? "";
    noMoreWords(words, usage);
    if (!(TCP_STATES as readonly string[]).includes(state))
      throw new StepSyntaxError(`'${state}' is not a TCP state`, suggestion(state, TCP_STATES, "states"));
    return { kind: "tcp-timer", port, state };
  },
  phrase: (step) =>
    `reads the time left on the ${step.state} timer of its namespace's TCP sockets on port ${step.port}`,
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [probeCall("tcpstates", String(step.port))]);
    const timers = replyFields("tcpstates", last).timers_ms ?? {};
    const left = timers[step.state];
    if (observation.errno !== null || observation.error) return observation;
    if (left === undefined)
      return { ...observation, error: `no ${step.state} socket with a timer on port ${step.port}` };
    return { ...observation, count: left };
  },
});
