/** join GROUP [via INTERFACE-ADDRESS] [on NAME]: IP_ADD_MEMBERSHIP (IPV6_ADD_MEMBERSHIP for [v6] groups). */
import { isIPv4, isIPv6 } from "node:net";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword } from "./grammar";
import { registerStep } from "./registry";

export interface JoinStep {
  kind: "join";
  sock: string;
  group: string;
  via?: string;
}

const usage = "join GROUP [via INTERFACE-ADDRESS] [on NAME]";

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
    if (!ok) throw new StepSyntaxError(`'${raw}' is not an IPv${s.family} group address for ${ctx.actor}'s '${s.name}'`, `usage: ${usage}`);
    if (via !== undefined && s.family === 4 && !isIPv4(via)) throw new StepSyntaxError(`'via ${via}' is not an IPv4 interface address`);
    return { kind: "join", sock: s.name, group, ...(via === undefined ? {} : { via }) };
  },
  async perform(step, actor) {
    const call = ["setsockopt", step.sock, "add_membership", step.group, ...(step.via ? [step.via] : [])];
    return (await callChain(actor, [call])).observation;
  },
});
