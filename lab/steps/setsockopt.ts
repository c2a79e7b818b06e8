/** setsockopt OPTION[=VALUE]… [on NAME]: e.g. "setsockopt reuseport", "setsockopt rcvbuf=4096". */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { StepSyntaxError, takeKeyword } from "./grammar";
import { namedIf, optionsPhrase, sockPhrase } from "./phrase";
import { registerStep } from "./registry";
import { checkOptionFamily, parseOption, type SockOpt } from "./socket-options";

export interface SetsockoptStep {
  kind: "setsockopt";
  sock: string;
  named?: true;
  options: SockOpt[];
}

declare module "./registry" {
  interface StepTypes {
    setsockopt: SetsockoptStep;
  }
}

export const setsockoptStep = registerStep<SetsockoptStep>({
  verb: "setsockopt",
  usage: "setsockopt OPTION[=VALUE]… [on NAME]",
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    if (!words.length) throw new StepSyntaxError("setsockopt needs an option", "e.g. setsockopt reuseport");
    const options = words.splice(0).map(parseOption);
    const s = ctx.sockets.use(ctx.actor, on);
    checkOptionFamily(options, s.family, `${ctx.actor}'s '${s.name}'`);
    return { kind: "setsockopt", sock: s.name, ...namedIf(on), options };
  },
  phrase: (step) => `sets${optionsPhrase(step.options).replace(/^ with/, "")} on ${sockPhrase(step)}`,
  async perform(step, actor) {
    return (
      await callChain(
        actor,
        step.options.map((o) => probeCall("setsockopt", step.sock, o.name, o.value)),
      )
    ).observation;
  },
});
