import type { Backend } from "../backend/backend";
import type { KernelInfo } from "../kernel-info";
import type { EventBus } from "../events/events";
import type { PlannedRun } from "../plan/plan";
import type { RunResult } from "../verdict/outcome";
import { defaultJobs } from "./jobs";
import { runCase, type ZeroProof } from "./run-case";
import type { Slots } from "./slots";

export interface RunOptions {
  /**
   * Runs in flight at once on each kernel; each has its own namespaces and network, so they cannot
   * interfere. Default: jobs.ts's, by the machine's cores and the kind of kernel.
   */
  jobs?: number;
  signal?: AbortSignal;
  /**
   * The slots a kernel's runs must hold, all of them at once (the guest kernels share as many as the
   * machine has cores); a kernel with none runs at once.
   */
  slotsFor?: (kernel: string) => Slots | undefined;
  /** How counting steps prove a zero (default: the kernel's accounting, a timer where it cannot close). */
  zeros?: ZeroProof;
}

/**
 * Runs every planned run on its kernel's backend: kernels side by side (those sharing slots in turn),
 * each with at most `jobs` runs at once. Results come back in plan order; the session's own events
 * are session.ts's.
 */
export async function runAll(
  runs: readonly PlannedRun[],
  backendFor: (kernel: string) => Backend,
  bus: EventBus,
  kernels: KernelInfo[],
  opts: RunOptions,
): Promise<RunResult[]> {
  const results: RunResult[] = new Array(runs.length);
  const pools = kernels.map(async (k) => {
    const mine = runs.map((r, i) => [r, i] as const).filter(([r]) => r.kernel.id === k.id);
    let next = 0;
    const worker = async () => {
      while (next < mine.length && !opts.signal?.aborted) {
        const [run, i] = mine[next++]!;
        results[i] = await runCase(run, backendFor(k.id), bus, opts.signal, opts.zeros);
      }
    };
    const all = async () =>
      void (await Promise.all(
        Array.from({ length: Math.max(1, Math.min(opts.jobs ?? defaultJobs(k.id), mine.length)) }, worker),
      ));
    const slots = mine.length ? opts.slotsFor?.(k.id) : undefined;
    await (slots ? slots.use(all) : all());
  });
  await Promise.all(pools);
  return results.filter(Boolean);
}
