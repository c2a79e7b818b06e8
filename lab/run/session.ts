/**
 * One session, the sequence every caller shares (run, matrix, runCases, merge, the screenshot, the
 * benches, the tests): prepare the backends → plan → session-started → the runs → claims audit and
 * known bugs → session-finished → the reporters closed. A session's events are emitted here, and only
 * here; callers bring the backends, the catalogue and the reporters.
 */
import type { Backend, PrepareReport } from "../backend/backend";
import type { AllowEntry } from "../case/allowlist";
import type { Case } from "../case/case";
import type { Claim } from "../case/claims";
import { LabError } from "../errors";
import { EventBus, type LabEvent, type Reporter } from "../events/events";
import { auditClaims } from "../findings/claims-audit";
import { knownBugs } from "../findings/known-bugs";
import type { KernelInfo } from "../kernel-info";
import { plan, type PlannedRun, type Selection } from "../plan/plan";
import type { RunResult } from "../verdict/outcome";
import { runAll } from "./runner";
import type { ZeroProof } from "./run-case";
import type { Slots } from "./slots";

export type SessionStarted = Extract<LabEvent, { type: "session-started" }>;
export type SessionFinished = Extract<LabEvent, { type: "session-finished" }>;

/** What a session runs on: one backend per kernel (KernelBackends), or one for all (oneBackend). */
export interface SessionBackends {
  readonly name: string;
  prepare(): Promise<Pick<PrepareReport, "kernels" | "leftoversRemoved">>;
  backend(kernel: string): Backend;
  /** The slots a kernel's runs must hold (guest kernels take turns); none: its runs start at once. */
  slotsFor?(kernel: string): Slots | undefined;
  /** Removes the labs at once (the session's signal aborted). */
  abort(): Promise<void>;
}

export interface SessionOptions {
  catalogue: { readonly cases: readonly Case[]; readonly claims: readonly Claim[] };
  selection?: Selection;
  /** The known-bugs allowlist: a regression case failing where an entry names it is xfail. */
  allow?: readonly AllowEntry[];
  reporters?: readonly Reporter[];
  /** Runs at once on each kernel (default: jobs.ts's, one per core on this machine's kernel, 2 in a guest). */
  jobs?: number;
  /** How counting steps prove a zero (default: the kernel's accounting, a timer where it cannot close). */
  zeros?: ZeroProof;
  /** Sessions in a row on the same prepared backends (default 1). */
  repeat?: number;
  /** Removes the labs at once and starts no further run; the session then ends, interrupted. */
  signal?: AbortSignal;
}

export interface SessionEnd {
  kernels: KernelInfo[];
  runs: PlannedRun[];
  /** Each repetition's results, in plan order. */
  repetitions: RunResult[][];
  /** The last repetition's session-finished event. */
  finished?: SessionFinished;
  interrupted: boolean;
}

export async function runSession(backends: SessionBackends, o: SessionOptions): Promise<SessionEnd> {
  const abort = () => void backends.abort();
  o.signal?.addEventListener("abort", abort, { once: true });
  try {
    const prepared = await backends.prepare();
    const runs = plan(o.catalogue.cases, prepared.kernels, o.selection, o.allow);
    if (runs.length === 0) throw new LabError("REUSELAB_NO_CASES", "no run matches the selection (--filter, --tag)");
    const bus = new EventBus();
    for (const r of o.reporters ?? []) bus.add(r);
    const repetitions: RunResult[][] = [];
    let finished: SessionFinished | undefined;
    try {
      for (let i = 0; i < (o.repeat ?? 1) && !o.signal?.aborted; i++) {
        const start = {
          backend: backends.name,
          kernels: prepared.kernels,
          runs,
          leftoversRemoved: i === 0 ? prepared.leftoversRemoved : {},
        };
        const runOn = (kernel: string) => backends.backend(kernel);
        finished = await recordSession(
          bus,
          start,
          o.catalogue.claims,
          () =>
            runAll(runs, runOn, bus, prepared.kernels, {
              ...(o.jobs ? { jobs: o.jobs } : {}),
              signal: o.signal,
              zeros: o.zeros,
              slotsFor: (k) => backends.slotsFor?.(k),
            }),
          o.signal,
        );
        repetitions.push(finished.results);
      }
    } finally {
      // Also when a backend fails half-way: the reporters finish (a progress line goes, files of finished sessions are written).
      await bus.close();
    }
    return {
      kernels: prepared.kernels,
      runs,
      repetitions,
      ...(finished ? { finished } : {}),
      interrupted: o.signal?.aborted ?? false,
    };
  } finally {
    o.signal?.removeEventListener("abort", abort);
  }
}

/**
 * The events of one session around its results: session-started, whatever `results` emits while it
 * runs, then session-finished with the claims audit and the known bugs. `durationMs`: the session's
 * length when it is not the wall time (merged results: the sum of their runs').
 */
export async function recordSession(
  bus: EventBus,
  start: Omit<SessionStarted, "type">,
  claims: readonly Claim[],
  results: () => Promise<RunResult[]>,
  signal?: AbortSignal,
  durationMs?: number,
): Promise<SessionFinished> {
  const started = Date.now();
  bus.emit({ type: "session-started", ...start });
  const done = await results();
  const { kernels, runs } = start;
  const finished: SessionFinished = {
    type: "session-finished",
    kernels,
    results: done,
    claims,
    audit: auditClaims(claims, runs, done, kernels),
    knownBugs: knownBugs(runs, done, kernels),
    durationMs: durationMs ?? Date.now() - started,
    interrupted: signal?.aborted ?? false,
  };
  bus.emit(finished);
  return finished;
}

/** A session on one backend for every kernel it prepares (tests, the benches). */
export function oneBackend(backend: Backend): SessionBackends {
  return { name: backend.name, prepare: () => backend.prepare(), backend: () => backend, abort: () => backend.abort() };
}
