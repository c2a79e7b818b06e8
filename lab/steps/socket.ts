/** socket tcp|udp [v4|v6] [OPTIONS…] [as NAME]: a socket with its options set, not bound yet. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { checkName, noMoreWords, parseProto, takeKeyword, type Family, type Proto } from "./grammar";
import { optionsPhrase } from "./phrase";
import { registerStep } from "./registry";
import { checkOptionFamily, parseOption, type SockOpt } from "./socket-options";

export interface SocketStep {
  kind: "socket";
  sock: string;
  proto: Proto;
  family: Family;
  options: SockOpt[];
}

declare module "./registry" {
  interface StepTypes {
    socket: SocketStep;
  }
}

export function socketCalls(sock: string, proto: Proto, family: Family, options: readonly SockOpt[]): string[][] {
  return [
    probeCall("socket", sock, proto, String(family)),
    ...options.map((o) => probeCall("setsockopt", sock, o.name, o.value)),
  ];
}

const usage = "socket tcp|udp [v4|v6] [OPTIONS…] [as NAME]";

export const socketStep = registerStep<SocketStep>({
  verb: "socket",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const name = takeKeyword(words, "as");
    const proto = parseProto(words.shift());
    let family: Family = 4;
    if (words[0] === "v4" || words[0] === "v6") family = words.shift() === "v6" ? 6 : 4;
    const options = words.splice(0).map(parseOption);
    noMoreWords(words, usage);
    if (name !== undefined) checkName(name, "socket");
    checkOptionFamily(options, family, "the socket this step makes");
    const s = ctx.sockets.create(ctx.actor, proto, family, name);
    return { kind: "socket", sock: s.name, proto, family, options };
  },
  phrase: (step) =>
    `makes a ${step.proto.toUpperCase()}${step.family === 6 ? " IPv6" : ""} socket${optionsPhrase(step.options)}`,
  async perform(step, actor) {
    return (await callChain(actor, socketCalls(step.sock, step.proto, step.family, step.options))).observation;
  },
});
