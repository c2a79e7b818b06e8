import type { ProbeReply } from "../probe/protocol";
import type { Expectation, ExpectationKind } from "../verdict/expectation";
import type { Observation } from "../verdict/observation";
import type { ActorRuntime } from "./actor-runtime";
import type { Settle } from "./settle";
import type { SocketTracker } from "./socket-tracker";

/** What a step's parser may consult: the case's actors, and the sockets each actor has made so far. */
export interface StepParseContext {
  actor: string;
  actors: ReadonlySet<string>;
  sockets: SocketTracker;
}

/** How one member of a group does a counting step: non-blocking rounds until the group has its total. */
export interface GroupDrain<S> {
  /** What it counts: datagrams (udp) or connections (tcp), for the kernel's accounting. */
  proto: "tcp" | "udp";
  /** One round on one member: the probe call that takes everything queued now. */
  drain(step: S): string[];
  /** What that round took, from the probe's reply. */
  taken(reply: ProbeReply): number | undefined;
  /** How long the group may go on; undefined for the runner's default. */
  timeoutMs(step: S): number | undefined;
}

/**
 * One kind of step. Each lives in its own module and registers itself (registry.ts): its grammar, what
 * it may expect, its sentence, how a group does it, and how it drives the probe. The engine knows no
 * step kind by name.
 */
export interface StepKind<S extends { kind: string }> {
  /** The first word of the step in a case file. */
  verb: string;
  usage: string;
  /** What may follow "=>"; the first is what the step expects when "=>" is left out, if it has a default. */
  expects: readonly ExpectationKind[];
  /** The expectation when "=>" is left out; undefined means the case must write one. */
  defaultExpectation(step: S): Expectation | undefined;
  parse(words: string[], ctx: StepParseContext): S;
  /** What the actor does, in words, after its name ("binds a new UDP socket to 0.0.0.0:8080 (every address)"). */
  phrase(step: S): string;
  /** Set when a group of actors may do the step (its members' counts are judged together). */
  group?: GroupDrain<S>;
  /**
   * Drives the probe. The expectation is given so a step can wait for it (bounded), never to fake it;
   * `settle`, when the runner has the kernel's accounting, so a counting step need not wait out a timer.
   */
  perform(step: S, actor: ActorRuntime, expect: Expectation, settle?: Settle): Promise<Observation>;
  /**
   * True when the step may make one datagram arrive more than once (a send to a multicast group): the
   * kernel's UDP accounting of the run cannot close then, and counting steps wait on their timers. A
   * step kind that sends UDP must say so here; absent, the step sends none to many.
   */
  fansOut?(step: S): boolean;
}
