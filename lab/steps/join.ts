/** join GROUP [via INTERFACE-ADDRESS (IPv4) | INTERFACE-INDEX (IPv6)] [on NAME]: IP_ADD_MEMBERSHIP (IPV6_ADD_MEMBERSHIP for [v6] groups). */
import { isIPv4, isIPv6 } from "node:net";
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword } from "./grammar";
import { namedIf, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface JoinStep {
  kind: "join";
  sock: string;
  named?: true;
  group: string;
  via?: string;
}

declare module "./registry" {
  interface StepTypes {
    join: JoinStep;
  }
}

const usage = "join GROUP [via INTERFACE-ADDRESS|INTERFACE-INDEX] [on NAME]";

export const joinStep = registerStep<JoinStep>({
  verb: "join",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const via = takeKeyword(words, "via");
    const raw = words.shift() ?? "";
    noMoreWords(words, usage);
    const group = raw.replace(/^\[(.*)\]$/, "$1");
    const s = ctx.sockets.use(ctx.actor, on);
    const ok = s.family === 4 ? isIPv4(group) : isIPv6(group);
    if (!ok)
      throw new StepSyntaxError(
        `'${raw}' is not an IPv${s.family} group address for ${ctx.actor}'s '${s.name}'`,
        `usage: ${usage}`,
      );
    if (via !== undefined && s.family === 4 && !isIPv4(via))
      throw new StepSyntaxError(
        `'via ${via}' is not an IPv4 interface address`,
        "write an IPv4 address of the actor's interface (via 0.0.0.0 lets the kernel choose)",
      );
    // IPV6_ADD_MEMBERSHIP names the interface by its index, not an address.
    if (via !== undefined && s.family === 6 && !/^\d{1,7}$/.test(via))
      throw new StepSyntaxError(
        `'via ${via}' is not an interface index; an IPv6 group is joined on an interface index`,
        "write e.g. via 2, or leave 'via' out to let the kernel choose",
      );
    return { kind: "join", sock: s.name, ...namedIf(on), group, ...(via === undefined ? {} : { via }) };
  },
  phrase: (step) => `joins multicast group ${step.group}${step.via ? ` via ${step.via}` : ""} on ${sockPhrase(step)}`,
  async perform(step, actor) {
    const call = probeCall("setsockopt", step.sock, "add_membership", step.group, ...(step.via ? [step.via] : []));
    return (await callChain(actor, [call])).observation;
  },
});
