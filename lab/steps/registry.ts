import type { Step } from "./step";
import type { StepKind } from "./step-kind";

const kinds = new Map<string, StepKind<Step>>();

/** Called once by each step file: its verb becomes part of the case language. */
export function registerStep<S extends Step>(kind: StepKind<S>): StepKind<S> {
  if (kinds.has(kind.verb)) throw new Error(`step verb '${kind.verb}' registered twice`);
  kinds.set(kind.verb, kind as unknown as StepKind<Step>);
  return kind;
}

export function stepKind(verb: string): StepKind<Step> | undefined {
  return kinds.get(verb);
}

export function stepVerbs(): string[] {
  return [...kinds.keys()].sort();
}
