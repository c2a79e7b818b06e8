/**
 * One session of the lab, timed for the benches (bench:matrix, bench:backends, bench:lab): each guest's
 * boot (QEMU start to the agent's READY), each kernel's catalogue (its first run's start to its last
 * run's end: a guest waiting for a slot is not counted), the outcomes, and the whole session's wall time.
 */
import { VmBackend } from "../backend/vm/vm-backend";
import type { GuestKernel } from "../backend/vm/kernel-spec";
import { DockerBackend } from "../backend/docker/docker-backend";
import { NetnsBackend } from "../backend/netns/netns-backend";
import type { HostBackend } from "../backend/host-backends";
import { ensureMachine } from "../bootstrap/ensure";
import { allowlistFor } from "../case/known-bugs-file";
import { loadCatalogue } from "../case/load-cases";
import type { LabEvent } from "../events/events";
import { KernelBackends } from "../run/kernel-backends";
import { runSession } from "../run/session";
import { formatFailure, isBad } from "../verdict/outcome";

export interface SessionToTime {
  kernels: string[];
  backend: HostBackend;
  specs?: GuestKernel[];
  guests?: number;
  jobs: number;
  cases: string[];
  signal?: AbortSignal;
}

export interface KernelTime {
  id: string;
  release: string;
  backend: string;
  bootMs?: number;
  /** The guest came from its kernel's saved guest (guest-snapshot.ts): bootMs is a restore's. */
  restored?: boolean;
  catalogueMs: number;
  runs: number;
  outcomes: Record<string, number>;
  /** A run's own duration (lab up, steps, lab down), averaged. */
  meanRunMs: number;
  /** The docker backend's containers: made, and idle ones used again (holder-pool.ts). */
  containers?: DockerBackend["counts"];
  /** The netns backend's or a guest's namespace sets and probes: made, and used again (netns-pool.ts). */
  sets?: VmBackend["reuse"];
}

export interface SessionTime {
  kernels: KernelTime[];
  /** Downloads, images and boots, before the first run. */
  prepareMs: number;
  runsMs: number;
  wallMs: number;
  /** Each run that did not pass: its id and its first failure (or its outcome). */
  notPassed: string[];
  /** How many of them failed or passed unexpectedly (an allowlisted known bug's xfail is not bad). */
  bad: number;
  interrupted: boolean;
}

export async function timeSession(o: SessionToTime): Promise<SessionTime> {
  const wall = Date.now();
  await using backends = new KernelBackends(o.kernels, o.backend, o.specs ?? [], o.guests);
  ensureMachine(backends.needsEngine ? "all" : "toolchain");
  if (backends.needsVm) ensureMachine("vm");
  let preparedAt = wall;
  const firstRun = new Map<string, number>();
  const lastRun = new Map<string, number>();
  const outcomes = new Map<string, Record<string, number>>();
  const runTimes = new Map<string, number[]>();
  const notPassed: string[] = [];
  let bad = 0;
  const timer = {
    onEvent: (e: LabEvent) => {
      if (e.type === "session-started") preparedAt = Date.now();
      if (e.type === "run-started" && !firstRun.has(e.run.kernel.id)) firstRun.set(e.run.kernel.id, Date.now());
      if (e.type !== "run-finished") return;
      const k = e.run.kernel.id;
      if (isBad(e.result)) bad++;
      if (e.result.outcome !== "passed")
        notPassed.push(
          `${e.result.id}: ${e.result.outcome === "failed" ? formatFailure(e.result.failures[0]!) : e.result.outcome}`,
        );
      lastRun.set(k, Date.now());
      const counts = outcomes.get(k) ?? {};
      counts[e.result.outcome] = (counts[e.result.outcome] ?? 0) + 1;
      outcomes.set(k, counts);
      runTimes.set(k, [...(runTimes.get(k) ?? []), e.result.durationMs]);
    },
  };
  const catalogue = loadCatalogue(o.cases);
  // The shipped allowlist with the shipped catalogue, as `reuselab matrix` reads it: a regression case
  // that a kernel is known to lack the fix of is xfail there. None for a catalogue of one's own.
  const shipped = o.cases.length === 1 && o.cases[0] === "cases";
  const end = await runSession(backends, {
    catalogue,
    allow: allowlistFor(shipped ? {} : { cases: o.cases }, catalogue, o.cases),
    reporters: [timer],
    jobs: o.jobs,
    signal: o.signal,
  });
  const done = Date.now();
  const kernels = end.kernels.map((k): KernelTime => {
    const b = backends.backend(k.id);
    const times = runTimes.get(k.id) ?? [];
    return {
      id: k.id,
      release: k.release,
      backend: b.name,
      bootMs: b instanceof VmBackend ? b.bootMs : undefined,
      restored: b instanceof VmBackend ? b.restored : undefined,
      catalogueMs: (lastRun.get(k.id) ?? preparedAt) - (firstRun.get(k.id) ?? preparedAt),
      runs: times.length,
      outcomes: outcomes.get(k.id) ?? {},
      meanRunMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
      containers: b instanceof DockerBackend ? b.counts : undefined,
      sets: b instanceof VmBackend || b instanceof NetnsBackend ? b.reuse : undefined,
    };
  });
  return {
    kernels,
    prepareMs: preparedAt - wall,
    runsMs: done - preparedAt,
    wallMs: done - wall,
    notPassed,
    bad,
    interrupted: end.interrupted,
  };
}
