/**
 * The shared head of bind and connect: "[tcp|udp] ADDRESS:PORT [OPTIONS…] [as NAME | on NAME]". With
 * tcp|udp the step makes a new socket (family from the address); without, it uses one the actor has.
 */
import { probeCall } from "../probe/commands";
import {
  checkFamily,
  checkName,
  familyOf,
  isProto,
  parseEndpoint,
  StepSyntaxError,
  takeKeyword,
  type Endpoint,
  type Family,
  type Proto,
} from "./grammar";
import { namedIf } from "./phrase";
import { socketCalls } from "./socket";
import { checkOptionFamily, parseOption, type SockOpt } from "./socket-options";
import type { StepParseContext } from "./step-kind";

export interface AddressedSocket {
  sock: string;
  /** Set when the case named the socket on the step's line. */
  named?: true;
  /** Set when the step makes the socket itself. */
  create?: { proto: Proto; family: Family };
  endpoint: Endpoint;
  options: SockOpt[];
}

export function parseAddressedSocket(
  verb: string,
  words: string[],
  ctx: StepParseContext,
  usage: string,
): AddressedSocket {
  const as = takeKeyword(words, "as");
  const on = takeKeyword(words, "on");
  const proto = isProto(words[0]) ? (words.shift() as Proto) : undefined;
  const where = words.shift();
  if (!where) throw new StepSyntaxError(`${verb} needs an ADDRESS:PORT`, `usage: ${usage}`);
  const endpoint = parseEndpoint(where, ctx.actors);
  const options = words.splice(0).map(parseOption);
  if (proto) {
    if (on !== undefined)
      throw new StepSyntaxError(
        `'on NAME' ${verb}s an existing socket; a step that names tcp|udp makes a new one`,
        "write 'as NAME' to name the new socket",
      );
    const family = familyOf(endpoint.host);
    checkOptionFamily(options, family, "the socket this step makes");
    const s = ctx.sockets.create(ctx.actor, proto, family, as === undefined ? undefined : checkName(as, "socket"));
    return { sock: s.name, ...namedIf(as), create: { proto, family }, endpoint, options };
  }
  if (as !== undefined)
    throw new StepSyntaxError(
      `'as NAME' names a new socket, but this ${verb} makes none`,
      `write '${verb} tcp|udp …' to make one, or 'on NAME' to use an existing one`,
    );
  const s = ctx.sockets.use(ctx.actor, on);
  checkFamily(endpoint, s, ctx.actor);
  checkOptionFamily(options, s.family, `${ctx.actor}'s '${s.name}'`);
  return { sock: s.name, ...namedIf(on), endpoint, options };
}

/** The calls that make the socket (when the step makes it) and set its options, before the step's own call. */
export function preparationCalls(s: AddressedSocket): string[][] {
  return s.create
    ? socketCalls(s.sock, s.create.proto, s.create.family, s.options)
    : s.options.map((o) => probeCall("setsockopt", s.sock, o.name, o.value));
}
