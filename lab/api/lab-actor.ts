/**
 * One actor of a started Lab: a probe process with its uid in its network namespace. Each call is a
 * step of the case language ("bind udp $victim:5353 reuseaddr"), parsed and performed by the same
 * step kinds a case file's lines go through (lab/steps/), so a call here and a line there make the
 * same syscalls and see the same answers.
 */
import { LabError } from "../errors";
import { exactly, type Expectation } from "../verdict/expectation";
import type { Observation } from "../verdict/observation";
import { optionWords, type SocketOptions } from "./socket-option-words";

export type Proto = "tcp" | "udp";

/** What the kernel answered to a call: `ok`, or the errno of the call that failed. */
export interface CallResult {
  /** The call succeeded (every syscall it made returned without error). */
  ok: boolean;
  /** The return value of its deciding syscall (-1 when it failed). */
  ret: number;
  /** The symbolic errno ("EADDRINUSE") when it failed; absent when ok. */
  errno?: string;
  /** The call in the case language, e.g. "attacker: bind udp $victim:5353 reuseport". */
  call: string;
  /** Every probe call it made, with the kernel's answer: "bind s1 10.214.0.2 5353 = -1 EADDRINUSE". */
  trace: readonly string[];
}

/** A call that made a socket: its name, for a later call's `on`. */
export interface SocketResult extends CallResult {
  socket: string;
}

/** A call that counts (datagrams sent). */
export interface CountResult extends CallResult {
  count: number;
}

/** Names a new socket (default s1, s2, … per actor). */
export interface MakesSocket {
  as?: string;
}

/** Picks one of the actor's sockets by name (default: its newest). */
export interface OnSocket {
  on?: string;
}

/** What the running lab does with a call: parse it as a step line of this actor and perform it. */
export type PerformCall = (
  actor: string,
  words: string[],
  expect?: Expectation,
) => Promise<{ observation: Observation; call: string; socket?: string }>;

export class LabActor {
  /** @internal Made by RunningLab.actor(). */
  constructor(
    readonly name: string,
    private readonly perform: PerformCall,
  ) {}

  /**
   * Makes a socket, sets its options and binds it (`bind tcp|udp ADDRESS:PORT [OPTIONS…]`).
   * ADDRESS is a literal ("0.0.0.0", "[::]") or an actor's address in the lab ("$victim", "[$victim]").
   *
   *   const r = await attacker.bind("udp", "$victim:5353", { reuseport: true });
   *   r.ok || r.errno; // "EADDRINUSE" when the victim's socket belongs to another uid
   */
  async bind(proto: Proto, address: string, options: SocketOptions & MakesSocket = {}): Promise<SocketResult> {
    const { as, ...opts } = options;
    return this.socketCall(["bind", proto, address, ...optionWords(opts), ...named("as", as)]);
  }

  /** Makes a socket, sets its options and connects it (TCP: waits for the handshake, up to `withinMs`, default 2000). */
  async connect(
    proto: Proto,
    address: string,
    options: SocketOptions & MakesSocket & { withinMs?: number } = {},
  ): Promise<SocketResult> {
    const { as, withinMs, ...opts } = options;
    return this.socketCall([
      "connect",
      proto,
      address,
      ...optionWords(opts),
      ...named("within", withinMs),
      ...named("as", as),
    ]);
  }

  /** listen() on a bound TCP socket (`backlog` default 128). */
  async listen(options: OnSocket & { backlog?: number } = {}): Promise<CallResult> {
    return result(
      await this.perform(this.name, [
        "listen",
        ...(options.backlog === undefined ? [] : [String(options.backlog)]),
        ...named("on", options.on),
      ]),
    );
  }

  /**
   * Sends `count` datagrams to ADDRESS:PORT from one UDP socket (its newest, or `on`); `count` in the
   * result is how many the kernel took.
   */
  async send(count: number, address: string, options: OnSocket = {}): Promise<CountResult> {
    const done = await this.perform(this.name, ["send", String(count), "to", address, ...named("on", options.on)]);
    return { ...result(done), count: done.observation.count ?? 0 };
  }

  /**
   * Counts the datagrams that reached a UDP socket. It waits (up to `withinMs`, default 2000) until
   * `atLeast` have come, then takes more until none has come for 50 ms, so a surplus shows. Without
   * `atLeast` it waits 100 ms (or `withinMs`) for the first: ask for what you expect, and a 0 is then
   * the kernel's answer, not an impatient look.
   */
  async recv(options: OnSocket & { atLeast?: number; withinMs?: number } = {}): Promise<number> {
    const expect: Expectation = { kind: "count", range: exactly(options.atLeast ?? 0) };
    return count(
      await this.perform(this.name, ["recv", ...named("within", options.withinMs), ...named("on", options.on)], expect),
    );
  }

  /** Accepts up to `count` (default 1) connections on a listening TCP socket within `withinMs` (default 2000), keeps them open, and says how many came. */
  async accept(options: OnSocket & { count?: number; withinMs?: number } = {}): Promise<number> {
    return count(
      await this.perform(this.name, [
        "accept",
        ...(options.count === undefined ? [] : [String(options.count)]),
        ...named("within", options.withinMs),
        ...named("on", options.on),
      ]),
    );
  }

  /** Closes a socket (the newest, or the one named) and every connection it accepted. */
  async close(socket?: string): Promise<CallResult> {
    return result(await this.perform(this.name, ["close", ...(socket === undefined ? [] : [socket])]));
  }

  private async socketCall(words: string[]): Promise<SocketResult> {
    const done = await this.perform(this.name, words);
    return { ...result(done), socket: done.socket! };
  }
}

function named(keyword: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [keyword, String(value)];
}

function result({ observation: o, call }: { observation: Observation; call: string }): CallResult {
  return {
    ok: o.errno === null,
    ret: o.ret ?? 0,
    ...(o.errno === null ? {} : { errno: o.errno }),
    call,
    trace: o.trace,
  };
}

/** A count, or the running lab's error when the kernel refused the call (recv, accept). */
function count(done: { observation: Observation; call: string }): number {
  const errno = done.observation.errno;
  if (errno !== null)
    throw new LabError(
      "REUSELAB_CALL_FAILED",
      `${done.call}: the kernel answered -1 ${errno} (${done.observation.trace.join("; ")})`,
    );
  return done.observation.count ?? 0;
}
