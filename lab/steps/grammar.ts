/**
 * The words of a step ("bind udp $victim:5353 reuseaddr as s2"): shared pieces of the step grammar.
 * Each step kind's parser takes what it needs and leaves a StepSyntaxError with a fix for the rest.
 */
import { isIPv4, isIPv6 } from "node:net";
import { suggestion } from "../problems";

export class StepSyntaxError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

export type Proto = "tcp" | "udp";
export type Family = 4 | 6;

/**
 * An address as a case writes it: a literal, or "$actor" / "[$actor]", the IPv4 / IPv6 address of that
 * actor's network namespace on the lab network.
 */
export type Host =
  { kind: "literal"; address: string; family: Family } | { kind: "actor"; actor: string; family: Family };

export interface Endpoint {
  host: Host;
  port: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;

export function parseProto(word: string | undefined): Proto {
  if (word === "tcp" || word === "udp") return word;
  throw new StepSyntaxError(`expected tcp or udp, found '${word ?? "nothing"}'`);
}

export function isProto(word: string | undefined): word is Proto {
  return word === "tcp" || word === "udp";
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text))
    throw new StepSyntaxError(
      text ? `port '${text}' is not a number` : "the port is missing after ':'",
      "a port is a whole number from 0 to 65535",
    );
  if (port > 65535)
    throw new StepSyntaxError(`port '${text}' is out of range`, "a port is a whole number from 0 to 65535");
  return port;
}

/** "0.0.0.0:8080", "[::1]:8080", "$victim:5353". Actor names are checked against the case's actors. */
export function parseEndpoint(word: string, actors: ReadonlySet<string>): Endpoint {
  const m = /^(\[[^\]]*\]|[^:]*):([^:]*)$/.exec(word);
  if (!m) {
    throw new StepSyntaxError(
      `'${word}' is not an ADDRESS:PORT`,
      "write e.g. 0.0.0.0:8080, [::]:8080, $victim:8080 or [$victim]:8080",
    );
  }
  const [, rawHost, rawPort] = m as unknown as [string, string, string];
  return { host: parseHost(rawHost, actors), port: parsePort(rawPort) };
}

export function parseHost(raw: string, actors: ReadonlySet<string>): Host {
  const named = /^(\[)?\$([^\]]*)(\])?$/.exec(raw);
  if (named) {
    const [, open, actor = "", close] = named;
    if (Boolean(open) !== Boolean(close))
      throw new StepSyntaxError(`'${raw}' has an unmatched bracket`, "write $actor for IPv4, [$actor] for IPv6");
    if (!actors.has(actor)) {
      throw new StepSyntaxError(
        `unknown actor '${actor}' in address '${raw}'`,
        suggestion(actor, [...actors], "actors"),
      );
    }
    return { kind: "actor", actor, family: open ? 6 : 4 };
  }
  if (raw.startsWith("[") && raw.endsWith("]")) {
    const v6 = raw.slice(1, -1);
    // Node's isIPv6 takes "fe80::1%eth0", the probe's inet_pton does not: a zone would fail only at run time.
    const zone = /%(.*)$/.exec(v6);
    if (zone)
      throw new StepSyntaxError(
        `'${raw}' has an IPv6 zone ('%${zone[1]}'), which the lab does not support`,
        "a lab namespace has one interface and no link-local peers to reach: write a unique-local or global address ([fd00::1]:PORT), [::1]:PORT, or [$actor]:PORT",
      );
    if (!isIPv6(v6))
      throw new StepSyntaxError(`'${v6}' is not an IPv6 address`, "write e.g. [::]:8080, [::1]:8080 or [$victim]:8080");
    return { kind: "literal", address: v6, family: 6 };
  }
  if (isIPv4(raw)) return { kind: "literal", address: raw, family: 4 };
  if (isIPv6(raw)) throw new StepSyntaxError(`IPv6 address '${raw}' needs brackets`, `write [${raw}]:PORT`);
  throw new StepSyntaxError(
    `'${raw}' is not an IPv4 address, [IPv6] address or $actor`,
    "write e.g. 0.0.0.0:8080, 127.0.0.1:8080, [::]:8080 or $victim:8080",
  );
}

export function familyOf(host: Host): Family {
  return host.family;
}

/** A socket is IPv4 or IPv6 for good: an address of the other family fails in the probe, after the lab started. */
export function checkFamily(endpoint: Endpoint, socket: { name: string; family: Family }, actor: string): void {
  if (endpoint.host.family === socket.family) return;
  const other =
    endpoint.host.family === 6
      ? "an IPv4 address (0.0.0.0, 127.0.0.1, $actor)"
      : "an IPv6 address ([::], [::1], [$actor])";
  const make =
    socket.family === 4
      ? "an IPv6 socket ('socket tcp|udp v6', or a step that names tcp|udp with the IPv6 address)"
      : "an IPv4 socket ('socket tcp|udp v4', or a step that names tcp|udp with the IPv4 address)";
  throw new StepSyntaxError(
    `${describeHost(endpoint.host)} is an IPv${endpoint.host.family} address, but ${actor}'s '${socket.name}' is an IPv${socket.family} socket`,
    `use ${other}, or make ${make}`,
  );
}

function describeHost(host: Host): string {
  if (host.kind === "literal") return host.family === 6 ? `'[${host.address}]'` : `'${host.address}'`;
  return host.family === 6 ? `'[$${host.actor}]'` : `'$${host.actor}'`;
}

export function checkName(name: string | undefined, what: string): string {
  if (!name || !NAME.test(name)) {
    throw new StepSyntaxError(
      `'${name ?? ""}' is not a valid ${what} name`,
      "use a letter, then letters, digits, - or _ (at most 31)",
    );
  }
  return name;
}

/**
 * The words that take a value anywhere in a step ("as s2", "on s2", "within 500", "via 10.0.0.1"): a
 * step file can take only these, so docs/cases.md can be checked against this list.
 */
export const KEYWORDS = ["as", "on", "within", "via"] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** Removes "KEY VALUE" (e.g. "as s2", "within 500") from words and returns VALUE. */
export function takeKeyword(words: string[], key: Keyword): string | undefined {
  const i = words.indexOf(key);
  if (i < 0) return undefined;
  const value = words[i + 1];
  if (value === undefined) throw new StepSyntaxError(`'${key}' needs a value after it`);
  words.splice(i, 2);
  return value;
}

export function parseCount(text: string, what: string, max = 1_000_000): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) {
    throw new StepSyntaxError(`${what} '${text}' is not a whole number from 0 to ${max}`);
  }
  return n;
}

export function takeMilliseconds(words: string[], key: Keyword): number | undefined {
  const v = takeKeyword(words, key);
  return v === undefined ? undefined : parseCount(v.replace(/ms$/, ""), `'${key}' duration`, 600_000);
}

export function noMoreWords(words: readonly string[], usage: string): void {
  if (words.length) throw new StepSyntaxError(`unexpected '${words.join(" ")}'`, `usage: ${usage}`);
}
