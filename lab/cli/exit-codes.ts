/** The lab's exit statuses: the contract with CI. */
export const EXIT = {
  passed: 0,
  failed: 1,
  /** Bad input (case files, arguments) or environment (no engine, probe does not build). */
  badInput: 2,
  interrupted: 130,
} as const;
