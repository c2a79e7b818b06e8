/**
 * tcp-states PORT [within MS] => STATE… | none: the TCP sockets of the actor's netns with PORT at either
 * end, by state (from /proc/net/tcp{,6}). States change as segments arrive, so the step asks again
 * until they match or MS (1000 by default) has passed, and reports the last answer.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Observation } from "../verdict/observation";
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parsePort, StepSyntaxError, takeMilliseconds } from "./grammar";
import { registerStep } from "./registry";
import { judge } from "../verdict/judge";

export interface TcpStatesStep {
  kind: "tcp-states";
  port: number;
  timeoutMs: number;
}

declare module "./registry" {
  interface StepTypes {
    "tcp-states": TcpStatesStep;
  }
}

const usage = "tcp-states PORT [within MS] => STATE… | none";
const POLL_MS = 20;

export const tcpStatesStep = registerStep<TcpStatesStep>({
  verb: "tcp-states",
  usage,
  expects: ["states"],
  defaultExpectation: () => undefined,
  parse(words) {
    const timeoutMs = takeMilliseconds(words, "within") ?? 1000;
    const port = words.shift();
    if (port === undefined) throw new StepSyntaxError("tcp-states needs a PORT", `usage: ${usage}`);
    noMoreWords(words, usage);
    return { kind: "tcp-states", port: parsePort(port), timeoutMs };
  },
  phrase: (step) => `looks at the states of its namespace's TCP sockets on port ${step.port}`,
  async perform(step, actor, expect) {
    const deadline = Date.now() + step.timeoutMs;
    let seen: Observation;
    do {
      const { observation, last } = await callChain(actor, [probeCall("tcpstates", String(step.port))]);
      const states = replyFields("tcpstates", last).states;
      seen = states ? { ...observation, states } : observation;
      if (seen.error || judge(expect, seen).ok) return seen;
      await sleep(POLL_MS);
    } while (Date.now() < deadline);
    return seen;
  },
});
