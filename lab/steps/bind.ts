/**
 * bind tcp|udp ADDRESS:PORT [OPTIONS…] [as NAME]   makes a socket, sets its options, binds it
 * bind ADDRESS:PORT [OPTIONS…] [on NAME]           binds a socket the actor already has
 */
import { callChain } from "./calls";
import { checkName, familyOf, isProto, noMoreWords, parseEndpoint, StepSyntaxError, takeKeyword, type Endpoint, type Family, type Proto } from "./grammar";
import { registerStep } from "./registry";
import { socketCalls } from "./socket";
import { parseOption, type SockOpt } from "./socket-options";

export interface BindStep {
  kind: "bind";
  sock: string;
  /** Set when the step makes the socket itself. */
  create?: { proto: Proto; family: Family };
  endpoint: Endpoint;
  options: SockOpt[];
}

const usage = "bind tcp|udp ADDRESS:PORT [OPTIONS…] [as NAME]  or  bind ADDRESS:PORT [OPTIONS…] [on NAME]";

export const bindStep = registerStep<BindStep>({
  verb: "bind",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const as = takeKeyword(words, "as");
    const on = takeKeyword(words, "on");
    const proto = isProto(words[0]) ? (words.shift() as Proto) : undefined;
    const where = words.shift();
    if (!where) throw new StepSyntaxError("bind needs an ADDRESS:PORT", `usage: ${usage}`);
    const endpoint = parseEndpoint(where, ctx.actors);
    const options = words.splice(0).map(parseOption);
    noMoreWords(words, usage);
    if (proto) {
      if (on !== undefined) throw new StepSyntaxError("'on NAME' binds an existing socket; a step that names tcp|udp makes a new one", "write 'as NAME' to name the new socket");
      const family = familyOf(endpoint.host);
      const s = ctx.sockets.create(ctx.actor, proto, family, as === undefined ? undefined : checkName(as, "socket"));
      return { kind: "bind", sock: s.name, create: { proto, family }, endpoint, options };
    }
    if (as !== undefined) throw new StepSyntaxError("'as NAME' names a new socket, but this bind makes none", "write 'bind tcp|udp …' to make one, or 'on NAME' to bind an existing one");
    return { kind: "bind", sock: ctx.sockets.use(ctx.actor, on).name, endpoint, options };
  },
  async perform(step, actor) {
    const calls = step.create
      ? socketCalls(step.sock, step.create.proto, step.create.family, step.options)
      : step.options.map((o) => ["setsockopt", step.sock, o.name, o.value]);
    calls.push(["bind", step.sock, actor.resolve(step.endpoint.host), String(step.endpoint.port)]);
    return (await callChain(actor, calls)).observation;
  },
});
