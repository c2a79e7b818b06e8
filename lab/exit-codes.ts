/** The lab's exit statuses: the contract with CI. */
import type { LabError, LabErrorCode } from "./errors";

export const EXIT = {
  passed: 0,
  failed: 1,
  /** Bad input (case files, arguments) or environment (no engine, probe does not build). */
  badInput: 2,
  interrupted: 130,
} as const;

export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit status of a run ended by each LabError code: a Record, so a new code does not compile until it
 * has one. A failed run is a result (exit 1), never a LabError; the README's table lists these.
 */
export const EXIT_FOR_CODE: Readonly<Record<LabErrorCode, ExitStatus>> = {
  REUSELAB_BAD_CASES: EXIT.badInput,
  REUSELAB_NO_CASES: EXIT.badInput,
  REUSELAB_BAD_ARGS: EXIT.badInput,
  REUSELAB_BAD_ALLOWLIST: EXIT.badInput,
  REUSELAB_NO_ENGINE: EXIT.badInput,
  REUSELAB_NOT_ROOT: EXIT.badInput,
  REUSELAB_NOT_READY: EXIT.badInput,
  REUSELAB_NO_EGRESS_GUARD: EXIT.badInput,
  REUSELAB_NO_SUBNET: EXIT.badInput,
  REUSELAB_LEFTOVERS: EXIT.badInput,
  REUSELAB_KERNEL_FETCH: EXIT.badInput,
  REUSELAB_KERNEL_MODULES: EXIT.badInput,
  REUSELAB_GUEST_BOOT: EXIT.badInput,
  REUSELAB_BAD_INSTALL: EXIT.badInput,
  REUSELAB_CHROMIUM: EXIT.badInput,
  REUSELAB_SERVICE_EXEC: EXIT.badInput,
  REUSELAB_NO_TOOL: EXIT.badInput,
  REUSELAB_PROBE_BUILD: EXIT.badInput,
  REUSELAB_PROBE_PROTOCOL: EXIT.badInput,
  REUSELAB_ACTOR_EXITED: EXIT.badInput,
  REUSELAB_ACTOR_MISPLACED: EXIT.badInput,
  REUSELAB_TIMEOUT: EXIT.badInput,
  REUSELAB_NO_COMPOSE: EXIT.badInput,
  REUSELAB_DEMO_FAILED: EXIT.badInput,
  REUSELAB_INTERRUPTED: EXIT.interrupted,
  REUSELAB_ENGINE_HUNG: EXIT.badInput,
  REUSELAB_SERVICE_START: EXIT.badInput,
  REUSELAB_BAD_LAB: EXIT.badInput,
  REUSELAB_CALL_FAILED: EXIT.badInput,
};

/** What a command that stopped on this error exits with (EXIT_FOR_CODE: 130 when interrupted, else 2). */
export function exitStatusOf(e: LabError): ExitStatus {
  return EXIT_FOR_CODE[e.code];
}
