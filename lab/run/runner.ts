import type { Backend, KernelInfo } from "../backend/backend";
import type { EventBus } from "../events/events";
import type { PlannedRun } from "../plan/plan";
import type { Claim } from "../case/claims";
import { auditClaims } from "../verdict/claims-audit";
import type { RunResult } from "../verdict/outcome";
import { runCase } from "./run-case";

export interface RunOptions {
  /** Runs in flight at once; each has its own namespaces and network, so they cannot interfere. */
  jobs: number;
  signal?: AbortSignal;
  /** The claims to audit from the results. */
  claims?: readonly Claim[];
}

/** Runs every planned run with bounded parallelism; results come back in plan order. */
export async function runAll(runs: readonly PlannedRun[], backend: Backend, bus: EventBus, kernels: KernelInfo[], opts: RunOptions): Promise<RunResult[]> {
  const started = Date.now();
  const results: RunResult[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length && !opts.signal?.aborted) {
      const i = next++;
      results[i] = await runCase(runs[i]!, backend, bus, opts.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, runs.length)) }, worker));
  const done = results.filter(Boolean);
  const claims = opts.claims ?? [];
  const audit = auditClaims(claims, runs, done, kernels);
  bus.emit({ type: "session-finished", kernels, results: done, claims, audit, durationMs: Date.now() - started, interrupted: opts.signal?.aborted ?? false });
  return done;
}
