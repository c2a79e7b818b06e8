/**
 * runCases(): the case catalogue (or the user's own cases) run on one or more kernels, as a library
 * call. `reuselab run` and `matrix` are this function with reporters on the terminal and in files
 * (lab/cli/commands/run-action.ts): one code path. Everything is validated before anything starts
 * (case files, kernels); nothing is left behind (containers, namespaces, guests), also when `signal`
 * aborts or a run throws.
 */
import type { KernelInfo } from "../kernel-info";
import { kernelIds } from "../backend/vm/kernel-images";
import { parseKernelSpec, type GuestKernel } from "../backend/vm/kernel-spec";
import { ensureMachine } from "../bootstrap/ensure";
import { loadCatalogue, type Catalogue } from "../case/load-cases";
import { KernelBackends } from "../run/kernel-backends";
import type { HostBackend } from "../backend/host-backends";
import { allowlistFor } from "../case/known-bugs-file";
import { DEFAULT_CASES } from "../case/case-files";
import { LabError } from "../errors";
import type { Reporter } from "../events/events";
import { resultsOf, type ResultsFile } from "../report/json-reporter";
import type { ZeroProof } from "../run/run-case";
import { runSession } from "../run/session";
import type { RunResult } from "../verdict/outcome";

export interface RunCasesOptions {
  /** Case files or folders of them (default: the catalogue shipped in cases/). */
  cases?: readonly string[];
  /** For the host's kernel: "docker" (a container per actor, the default) or "netns" (root, no engine). */
  backend?: HostBackend;
  /** "host" and ids of images/kernels/kernels.yaml (default: ["host"]; guests boot under QEMU). */
  kernels?: readonly string[];
  /** Guest kernels by spec, as `--kernel` takes them: debian:SUITE, a .deb, IMAGE[:MODULES], a build tree; [ID=]SPEC. */
  kernelSpecs?: readonly string[];
  /** Only runs whose id (case.variant@kernel) contains one of these. */
  filter?: readonly string[];
  /** Only cases with one of these tags. */
  tags?: readonly string[];
  /** Also the cases tagged slow (they wait out real timers). */
  slow?: boolean;
  /** Guest kernels booting or running at once; the others wait their turn (default: one per core). */
  guests?: number;
  /** Runs at once on each kernel (default: one per core on this machine's kernel, at least 2; 2 in a guest). */
  jobs?: number;
  /**
   * How a counting step (recv, accept) proves that nothing more comes: "accounting" (the default) ends
   * it as soon as the kernel's counters show nothing on its way, and waits on its timer only where they
   * cannot show it; "timer" always waits its timer out (the slow path, for comparison).
   */
  zeros?: ZeroProof;
  /** Stops the runs and removes the lab; runCases then rejects with LabError REUSELAB_INTERRUPTED. */
  signal?: AbortSignal;
  /**
   * The allowlist of fixes a kernel is known to lack (cases/regressions/allowlist.yaml's format): a
   * regression case failing where it names the case and kernel is xfail. Default: the shipped one
   * when `cases` is not given, none otherwise.
   */
  knownBugs?: string;
  /** Listeners of the engine's events (run-started, step-finished, run-finished…), e.g. for progress. */
  reporters?: readonly Reporter[];
}

/** The schema-1 results object, as `reuselab run --json FILE` writes it. */
export type { ResultsFile } from "../report/json-reporter";
export type { LabEvent, Reporter } from "../events/events";

/** Runs the cases; resolves with the results (failed runs are results, not errors); rejects with a LabError on bad input or environment. */
export async function runCases(o: RunCasesOptions = {}): Promise<ResultsFile> {
  const { results, interrupted } = await runSessions({ ...o, repeat: 1, reporters: () => [...(o.reporters ?? [])] });
  if (interrupted)
    throw new LabError("REUSELAB_INTERRUPTED", "runCases was interrupted (its signal aborted); the lab was removed");
  return results;
}

/** What the CLI adds: repetitions, and reporters made once the cases are known to be valid (their files checked then). */
export interface SessionOptions extends Omit<RunCasesOptions, "reporters"> {
  repeat: number;
  /** When no kernel is named: the host's kernel ("run") or it and every guest kernel ("matrix"). */
  allKernels?: boolean;
  reporters: (catalogue: Catalogue) => Reporter[];
  /** Called once the machine is ready, right before the backends prepare; its signal (instead of `signal`) stops the runs; disposed once the reporters closed. */
  interrupt?: () => { signal: AbortSignal } & Disposable;
}

export interface Sessions {
  /** The last repetition's results. */
  results: ResultsFile;
  repetitions: RunResult[][];
  interrupted: boolean;
}

export async function runSessions(o: SessionOptions): Promise<Sessions> {
  const catalogue = loadCatalogue([...(o.cases ?? [DEFAULT_CASES])]);
  const allow = allowlistFor(o, catalogue, [...(o.cases ?? [DEFAULT_CASES])]);
  const reporters = o.reporters(catalogue);
  const specs = guestKernels(o.kernelSpecs ?? []);
  const kernels =
    o.kernels ?? (specs.length ? (o.allKernels ? ["host"] : []) : o.allKernels ? ["host", ...kernelIds()] : ["host"]);
  await using backends = new KernelBackends(kernels, o.backend ?? "docker", specs, o.guests);
  ensureMachine(backends.needsEngine ? "all" : "toolchain");
  if (backends.needsVm) ensureMachine("vm");
  using interrupt = o.interrupt?.();
  const signal = interrupt?.signal ?? o.signal;
  const selection = { filter: [...(o.filter ?? [])], tags: [...(o.tags ?? [])], slow: o.slow ?? false };
  const end = await runSession(backends, {
    catalogue,
    selection,
    allow,
    reporters,
    ...(o.jobs ? { jobs: o.jobs } : {}),
    ...(o.zeros ? { zeros: o.zeros } : {}),
    repeat: o.repeat,
    ...(signal ? { signal } : {}),
  });
  return {
    results: end.finished ? resultsOf(end.finished) : emptyResults(end.kernels),
    repetitions: end.repetitions,
    interrupted: end.interrupted,
  };
}

/** The kernels of --kernel SPEC; a spec that is none says why, and how to write it. */
function guestKernels(texts: readonly string[]): GuestKernel[] {
  return texts.map((text) => {
    const k = parseKernelSpec(text);
    if ("error" in k) throw new LabError("REUSELAB_BAD_ARGS", `--kernel ${text}: ${k.error}; ${k.fix}`);
    return k;
  });
}

/** Interrupted before the first session ended. */
function emptyResults(kernels: KernelInfo[]): ResultsFile {
  return { schema: 1, kernels, runs: [], claims: [] };
}
