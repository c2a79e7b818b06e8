/**
 * getsockopt OPTION [on NAME] => VALUE: reads a socket option back, as the kernel keeps it
 * ("getsockopt reuseport => 1"; SO_RCVBUF reads back doubled). Only the options the probe reads as an
 * int (images/probe/cmd_socket.c, kind INT): not linger or mcast-if.
 */
import { probeCall, replyFields } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError, takeKeyword } from "./grammar";
import { namedIf, optionName, sockPhrase } from "./phrase";
import { registerStep } from "./registry";
import { checkOptionFamily, OPTION_NAMES, parseOption } from "./socket-options";

export interface GetsockoptStep {
  kind: "getsockopt";
  sock: string;
  named?: true;
  /** The probe's name of the option (reuseport, rcvbuf, incoming_cpu…). */
  option: string;
}

declare module "./registry" {
  interface StepTypes {
    getsockopt: GetsockoptStep;
  }
}

const usage = "getsockopt OPTION [on NAME] => VALUE";
/** The case's words for the options the probe reads as an int. */
export const READABLE = [
  "reuseaddr",
  "reuseport",
  "v6only",
  "rcvbuf",
  "sndbuf",
  "incoming-cpu",
  "bind-address-no-port",
  "mcast-loop",
  "mcast-ttl",
  "mcast-all",
];

export const getsockoptStep = registerStep<GetsockoptStep>({
  verb: "getsockopt",
  usage,
  expects: ["count", "errno"],
  defaultExpectation: () => undefined,
  parse(words, ctx) {
    const on = takeKeyword(words, "on");
    const word = words.shift();
    noMoreWords(words, usage);
    if (word === undefined) throw new StepSyntaxError("getsockopt needs an option", "e.g. getsockopt reuseport => 1");
    if (word.includes("="))
      throw new StepSyntaxError(
        `getsockopt reads '${word.split("=")[0]}'; its value goes after '=>'`,
        `write getsockopt ${word.split("=")[0]} => ${word.split("=")[1]}`,
      );
    if (OPTION_NAMES.includes(word) && !READABLE.includes(word))
      throw new StepSyntaxError(`option '${word}' cannot be read back`, `getsockopt reads ${READABLE.join(", ")}`);
    // The option's probe name, with parseOption's own check of the word (and its suggestion for a typo).
    const option = parseOption(`${word}=0`);
    const s = ctx.sockets.use(ctx.actor, on);
    checkOptionFamily([option], s.family, `${ctx.actor}'s '${s.name}'`);
    return { kind: "getsockopt", sock: s.name, ...namedIf(on), option: option.name };
  },
  phrase: (step) => `reads ${optionName(step.option)} of ${sockPhrase(step)}`,
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [probeCall("getsockopt", step.sock, step.option)]);
    const value = replyFields("getsockopt", last).value;
    return value === undefined ? observation : { ...observation, count: value };
  },
});
