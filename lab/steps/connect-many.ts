/**
 * connect-many N to ADDRESS:PORT [within MS] [as NAME] => N: N TCP connections, each from its own socket
 * and so its own source port (N 4-tuples), kept open under NAME until it is closed.
 */
import { ANSWER_MS } from "../probe/probe-session";
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import {
  checkName,
  familyOf,
  noMoreWords,
  parseCount,
  parseEndpoint,
  StepSyntaxError,
  takeKeyword,
  takeMilliseconds,
  type Endpoint,
} from "./grammar";
import { endpointPhrase } from "./phrase";
import { registerStep } from "./registry";
import { exactly } from "../verdict/expectation";

export interface ConnectManyStep {
  kind: "connect-many";
  sock: string;
  count: number;
  endpoint: Endpoint;
  timeoutMs: number;
}

declare module "./registry" {
  interface StepTypes {
    "connect-many": ConnectManyStep;
  }
}

const usage = "connect-many N to ADDRESS:PORT [within MS] [as NAME]";

export const connectManyStep = registerStep<ConnectManyStep>({
  verb: "connect-many",
  usage,
  expects: ["count", "errno"],
  defaultExpectation: (step) => ({ kind: "count", range: exactly(step.count) }),
  parse(words, ctx) {
    const as = takeKeyword(words, "as");
    const timeoutMs = takeMilliseconds(words, "within") ?? 2000;
    const count = parseCount(words.shift() ?? "", "connection count", 4096);
    if (words.shift() !== "to")
      throw new StepSyntaxError("connect-many needs 'to ADDRESS:PORT' after the count", `usage: ${usage}`);
    const endpoint = parseEndpoint(words.shift() ?? "", ctx.actors);
    noMoreWords(words, usage);
    if (count === 0) throw new StepSyntaxError("connect-many needs at least one connection");
    const s = ctx.sockets.create(
      ctx.actor,
      "tcp",
      familyOf(endpoint.host),
      as === undefined ? undefined : checkName(as, "socket"),
    );
    return { kind: "connect-many", sock: s.name, count, endpoint, timeoutMs };
  },
  phrase: (step) => `opens ${step.count} TCP connections to ${endpointPhrase(step.endpoint)}, each from its own port`,
  async perform(step, actor) {
    const call = probeCall(
      "connectn",
      step.sock,
      String(step.count),
      String(step.endpoint.host.family),
      actor.resolve(step.endpoint.host),
      String(step.endpoint.port),
      String(step.timeoutMs),
    );
    const { observation, last } = await callChain(actor, [call], step.timeoutMs * step.count + ANSWER_MS);
    const connected = replyFields("connectn", last).connected;
    return connected === undefined
      ? observation
      : { ...observation, errno: connected > 0 ? null : observation.errno, count: connected };
  },
});
