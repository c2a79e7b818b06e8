/** The lab's exit statuses: the contract with CI. */
import type { LabError } from "./errors";

export const EXIT = {
  passed: 0,
  failed: 1,
  /** Bad input (case files, arguments) or environment (no engine, probe does not build). */
  badInput: 2,
  interrupted: 130,
} as const;

/** What a command that stopped on this error exits with: 130 when interrupted, else 2. */
export function exitStatusOf(e: LabError): number {
  return e.code === "REUSELAB_INTERRUPTED" ? EXIT.interrupted : EXIT.badInput;
}
