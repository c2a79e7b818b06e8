/**
 * The step kinds, each registered by its own module (lab/steps/*.ts), and the Step union they make.
 * A module adds its type to StepTypes and registers its kind:
 *
 *   declare module "./registry" { interface StepTypes { bind: BindStep } }
 *   export const bindStep = registerStep<BindStep>({ verb: "bind", … });
 *
 * so the union, the verbs, the sentences and the group calls are written down nowhere else.
 */
import type { ProbeReply } from "../probe/protocol";
import type { Expectation } from "../verdict/expectation";
import type { Observation } from "../verdict/observation";
import type { ActorRuntime } from "./actor-runtime";
import type { Settle } from "./settle";
import type { GroupDrain, StepKind } from "./step-kind";

/** Every step kind's type, keyed by its verb; each step module adds its own entry. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StepTypes {}

export type StepVerb = keyof StepTypes;
/** Every kind of step, as one discriminated union on `kind` (= its verb). */
export type Step = StepTypes[StepVerb];

const kinds = new Map<string, StepKind<Step>>();

/** Called once by each step module: its verb becomes part of the case language. */
export function registerStep<S extends Step>(kind: StepKind<S> & { verb: S["kind"] }): StepKind<S> {
  if (kinds.has(kind.verb)) throw new Error(`step verb '${kind.verb}' registered twice`);
  kinds.set(kind.verb, kind as unknown as StepKind<Step>);
  return kind;
}

/** The kind of a verb a case wrote; undefined when there is none. */
export function stepKind(verb: string): StepKind<Step> | undefined {
  return kinds.get(verb);
}

/** The kind of a parsed step: every parsed step has one (its module made it). */
export function kindOf(step: Step): StepKind<Step> {
  const kind = kinds.get(step.kind);
  if (!kind) throw new Error(`step kind '${step.kind}' is not registered`);
  return kind;
}

export function stepVerbs(): string[] {
  return [...kinds.keys()].sort();
}

/** The verbs a group of actors may use: the kinds that say how a member drains its socket. */
export function groupVerbs(): string[] {
  return stepVerbs().filter((v) => kinds.get(v)!.group !== undefined);
}

export function performStep(
  step: Step,
  actor: ActorRuntime,
  expect: Expectation,
  settle?: Settle,
): Promise<Observation> {
  return kindOf(step).perform(step, actor, expect, settle);
}

/** Whether the step may deliver one datagram more than once (multicast), which UDP accounting cannot follow. */
export function fansOut(step: Step): boolean {
  return kindOf(step).fansOut?.(step) ?? false;
}

/** How one member of a group does the step, for a step kind a group may use. */
export function groupDrain(step: Step): {
  proto: "tcp" | "udp";
  call: string[];
  taken(reply: ProbeReply): number | undefined;
  timeoutMs: number | undefined;
} {
  const group: GroupDrain<Step> | undefined = kindOf(step).group;
  if (!group) throw new Error(`a group cannot do '${step.kind}'`);
  return {
    proto: group.proto,
    call: group.drain(step),
    taken: (reply) => group.taken(reply),
    timeoutMs: group.timeoutMs(step),
  };
}
