/** Every error the lab raises on purpose has a stable code; the CLI maps codes to exit statuses. */
export type LabErrorCode =
  | "REUSELAB_BAD_CASES" // case files that do not validate: exit 2
  | "REUSELAB_NO_CASES" // nothing to run: exit 2
  | "REUSELAB_BAD_ARGS" // command line: exit 2
  | "REUSELAB_BAD_ALLOWLIST" // a known-bugs allowlist that does not validate: exit 2
  | "REUSELAB_NO_ENGINE" // no Docker engine and none could be started: exit 2
  | "REUSELAB_NO_TOOL" // a system tool the lab runs is not installed: exit 2
  | "REUSELAB_PROBE_BUILD" // the probe or its image could not be built: exit 2
  | "REUSELAB_PROBE_PROTOCOL" // the probe answered something that is not its protocol
  | "REUSELAB_ACTOR_EXITED" // a command was sent to an actor whose process is gone
  | "REUSELAB_ACTOR_MISPLACED" // an actor's probe runs as another uid, or on another kernel, than its lab declares
  | "REUSELAB_TIMEOUT" // the probe did not answer in time
  | "REUSELAB_NO_COMPOSE" // docker-compose (or the compose binary named) does not run: exit 2
  | "REUSELAB_DEMO_FAILED" // the hijack demo's services did not tell their story (a bind failed, no client log)
  | "REUSELAB_INTERRUPTED" // SIGINT/SIGTERM, or the caller's AbortSignal: exit 130
  | "REUSELAB_ENGINE_HUNG" // the Docker engine let a call run past its bound (REUSELAB_ENGINE_TIMEOUT_MS): exit 2
  | "REUSELAB_SERVICE_START" // an audited service's container would not start (its command, its user): exit 2
  | "REUSELAB_BAD_LAB" // a Lab builder's declaration or call that cannot be made (duplicate or unknown actor, bad address or option, a stopped lab)
  | "REUSELAB_CALL_FAILED"; // a Lab builder's call the probe could not make, or a count the kernel refused (recv, accept)

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "LabError";
  }
}
