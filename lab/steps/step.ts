/** Every kind of step, as one discriminated union on `kind`: made by the step modules (registry.ts). */
export type { Step, StepVerb } from "./registry";
