/**
 * connect tcp|udp ADDRESS:PORT [OPTIONS…] [within MS] [as NAME]   makes a socket and connects it
 * connect ADDRESS:PORT [within MS] [on NAME]                       connects a socket the actor has
 */
import { callChain } from "./calls";
import { checkName, familyOf, isProto, noMoreWords, parseEndpoint, StepSyntaxError, takeKeyword, takeMilliseconds, type Endpoint, type Family, type Proto } from "./grammar";
import { registerStep } from "./registry";
import { socketCalls } from "./socket";
import { parseOption, type SockOpt } from "./socket-options";

export interface ConnectStep {
  kind: "connect";
  sock: string;
  create?: { proto: Proto; family: Family };
  endpoint: Endpoint;
  options: SockOpt[];
  timeoutMs: number;
}

const usage = "connect tcp|udp ADDRESS:PORT [OPTIONS…] [within MS] [as NAME]  or  connect ADDRESS:PORT [within MS] [on NAME]";

export const connectStep = registerStep<ConnectStep>({
  verb: "connect",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const as = takeKeyword(words, "as");
    const on = takeKeyword(words, "on");
    const timeoutMs = takeMilliseconds(words, "within") ?? 2000;
    const proto = isProto(words[0]) ? (words.shift() as Proto) : undefined;
    const where = words.shift();
    if (!where) throw new StepSyntaxError("connect needs an ADDRESS:PORT", `usage: ${usage}`);
    const endpoint = parseEndpoint(where, ctx.actors);
    const options = words.splice(0).map(parseOption);
    noMoreWords(words, usage);
    if (proto) {
      if (on !== undefined) throw new StepSyntaxError("'on NAME' connects an existing socket; a step that names tcp|udp makes a new one");
      const family = familyOf(endpoint.host);
      const s = ctx.sockets.create(ctx.actor, proto, family, as === undefined ? undefined : checkName(as, "socket"));
      return { kind: "connect", sock: s.name, create: { proto, family }, endpoint, options, timeoutMs };
    }
    if (as !== undefined) throw new StepSyntaxError("'as NAME' names a new socket, but this connect makes none");
    return { kind: "connect", sock: ctx.sockets.use(ctx.actor, on).name, endpoint, options, timeoutMs };
  },
  async perform(step, actor) {
    const calls = step.create
      ? socketCalls(step.sock, step.create.proto, step.create.family, step.options)
      : step.options.map((o) => ["setsockopt", step.sock, o.name, o.value]);
    calls.push(["connect", step.sock, actor.resolve(step.endpoint.host), String(step.endpoint.port), String(step.timeoutMs)]);
    return (await callChain(actor, calls, step.timeoutMs + 5000)).observation;
  },
});
