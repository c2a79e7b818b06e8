import type { Expectation, ExpectationKind } from "../verdict/expectation";
import type { Observation } from "../verdict/observation";
import type { ActorRuntime } from "./actor-runtime";
import type { SocketTracker } from "./socket-tracker";

/** What a step's parser may consult: the case's actors, and the sockets each actor has made so far. */
export interface StepParseContext {
  actor: string;
  actors: ReadonlySet<string>;
  sockets: SocketTracker;
}

/**
 * One kind of step. Each lives in its own file and registers itself (registry.ts): its grammar, what
 * it may expect, and how it drives the probe. The engine knows no step kind by name.
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
  /** Drives the probe. The expectation is given so a step can wait for it (bounded), never to fake it. */
  perform(step: S, actor: ActorRuntime, expect: Expectation): Promise<Observation>;
}
