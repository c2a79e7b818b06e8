/**
 * send N to ADDRESS:PORT [on NAME]        N datagrams from one socket: one source port
 * send N to ADDRESS:PORT varying-port     each datagram from a fresh socket: N source ports
 */
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import {
  checkFamily,
  familyOf,
  noMoreWords,
  parseCount,
  parseEndpoint,
  StepSyntaxError,
  takeKeyword,
  type Endpoint,
  type Family,
} from "./grammar";
import { isMulticastAddress } from "./multicast-address";
import { endpointPhrase } from "./phrase";
import { registerStep } from "./registry";
import { exactly } from "../verdict/expectation";

export interface SendStep {
  kind: "send";
  count: number;
  endpoint: Endpoint;
  /** The socket to send from; absent with varying-port. */
  sock?: string;
  family: Family;
}

declare module "./registry" {
  interface StepTypes {
    send: SendStep;
  }
}

const usage = "send N to ADDRESS:PORT [on NAME | varying-port]";

export const sendStep = registerStep<SendStep>({
  verb: "send",
  usage,
  expects: ["ok", "count", "errno"],
  defaultExpectation: (step) => ({ kind: "count", range: exactly(step.count) }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const varying = words.includes("varying-port");
    if (varying) words.splice(words.indexOf("varying-port"), 1);
    const count = parseCount(words.shift() ?? "", "datagram count");
    if (words.shift() !== "to")
      throw new StepSyntaxError("send needs 'to ADDRESS:PORT' after the count", `usage: ${usage}`);
    const endpoint = parseEndpoint(words.shift() ?? "", ctx.actors);
    noMoreWords(words, usage);
    if (count === 0) throw new StepSyntaxError("send needs at least one datagram");
    if (varying) {
      if (on !== undefined)
        throw new StepSyntaxError("'varying-port' sends from fresh sockets, so 'on NAME' cannot apply");
      return { kind: "send", count, endpoint, family: familyOf(endpoint.host) };
    }
    const s = ctx.sockets.use(ctx.actor, on);
    if (s.proto !== "udp") throw new StepSyntaxError(`send is for UDP sockets; ${ctx.actor}'s '${s.name}' is TCP`);
    checkFamily(endpoint, s, ctx.actor);
    return { kind: "send", count, endpoint, sock: s.name, family: s.family };
  },
  phrase: (step) =>
    `sends ${step.count} datagram${step.count === 1 ? "" : "s"} to ${endpointPhrase(step.endpoint)}${step.sock ? "" : ", each from a fresh socket (so a fresh source port)"}`,
  fansOut: (step) => step.endpoint.host.kind === "literal" && isMulticastAddress(step.endpoint.host.address),
  async perform(step, actor) {
    const to = [actor.resolve(step.endpoint.host), String(step.endpoint.port), String(step.count)];
    const call = step.sock ? probeCall("send", step.sock, ...to) : probeCall("sendvary", String(step.family), ...to);
    const { observation, last } = await callChain(actor, [call], 60_000);
    const sent = replyFields(step.sock ? "send" : "sendvary", last).sent;
    return sent === undefined ? observation : { ...observation, count: sent };
  },
});
