/**
 * How many runs go at once on a kernel when --jobs is not given. Since the kernel's accounting proves
 * zeros (ledger.ts), a run spends its time on the CPU (namespaces, probes, syscalls), not waiting, so
 * this machine's kernel gets one run per core; a guest has one virtual CPU, and two runs at once there
 * let one's round trips to the guest overlap the other's work. Never fewer than two.
 */
import { availableParallelism } from "node:os";

export function defaultJobs(kernel: string, cores = availableParallelism()): number {
  return kernel === "host" ? Math.min(32, Math.max(2, cores)) : 2;
}
