/**
 * Every error the lab raises on purpose has a stable code, one per cause; the CLI maps each code to its
 * exit status (exit-codes.ts), and the README's table lists them.
 */
export type LabErrorCode =
  | "REUSELAB_BAD_CASES" // case files that do not validate
  | "REUSELAB_NO_CASES" // nothing to run
  | "REUSELAB_BAD_ARGS" // command line
  | "REUSELAB_BAD_ALLOWLIST" // a known-bugs allowlist that does not validate
  | "REUSELAB_NO_ENGINE" // no Docker engine answers, or it stopped answering during the run
  | "REUSELAB_NOT_ROOT" // a backend that needs root (netns: namespaces, other uids) run by another user
  | "REUSELAB_NOT_READY" // lab/bootstrap/bootstrap.sh found the machine not ready (or its --check could not run)
  | "REUSELAB_NO_EGRESS_GUARD" // the nftables guard that keeps lab networks from routing out could not be put in place
  | "REUSELAB_NO_SUBNET" // no free /24 left in the lab's address pool for a lab or demo network
  | "REUSELAB_LEFTOVERS" // what this run made (containers, networks) could not be removed at its end
  | "REUSELAB_KERNEL_FETCH" // a guest kernel could not be fetched (images/kernels/fetch-kernel.sh)
  | "REUSELAB_KERNEL_MODULES" // a kernel build tree's modules could not be installed for its guest
  | "REUSELAB_GUEST_BOOT" // a guest kernel did not boot (boot.sh --print, QEMU, KVM, the boot's time limit)
  | "REUSELAB_BAD_INSTALL" // the reuselab package is incomplete (no package.json of its own above its code)
  | "REUSELAB_CHROMIUM" // headless Chromium (the HTML report's pictures and checks) failed or ran past its time
  | "REUSELAB_SERVICE_EXEC" // a command beside an audited service (its reload) could not be run with docker exec
  | "REUSELAB_NO_TOOL" // a system tool the lab runs is not installed
  | "REUSELAB_PROBE_BUILD" // the probe or its image could not be built
  | "REUSELAB_PROBE_PROTOCOL" // the probe answered something that is not its protocol
  | "REUSELAB_ACTOR_EXITED" // a command was sent to an actor whose process is gone
  | "REUSELAB_ACTOR_MISPLACED" // an actor's probe runs as another uid, or on another kernel, than its lab declares
  | "REUSELAB_TIMEOUT" // the probe (or the demo) did not answer in time
  | "REUSELAB_NO_COMPOSE" // docker-compose (or the compose binary named) does not run
  | "REUSELAB_DEMO_FAILED" // the hijack demo's services did not tell their story (a bind failed, no client log)
  | "REUSELAB_INTERRUPTED" // SIGINT/SIGTERM, or the caller's AbortSignal
  | "REUSELAB_ENGINE_HUNG" // the Docker engine let a call run past its bound (REUSELAB_ENGINE_TIMEOUT_MS)
  | "REUSELAB_SERVICE_START" // an audited service's container would not start (its command, its user)
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
