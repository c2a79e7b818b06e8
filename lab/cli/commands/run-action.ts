/** What `reuselab run | matrix` does once its options are parsed (run.ts defines them). */
import { kernelIds } from "../../backend/vm/kernel-images";
import { parseKernelSpec, type GuestKernel } from "../../backend/vm/kernel-spec";
import { ensureMachine } from "../../bootstrap/ensure";
import { loadCatalogue, type Catalogue } from "../../case/load-cases";
import { LabError } from "../../errors";
import { EventBus, type Reporter } from "../../events/events";
import { plan } from "../../plan/plan";
import { ConsoleReporter } from "../../report/console-reporter";
import { LastResultsReporter, lastResultsPath } from "../../report/last-results";
import { ProgressLine } from "../../report/progress";
import { RepeatReporter } from "../../report/repeat-reporter";
import { canRedraw } from "../../report/terminal";
import { runAll } from "../../run/runner";
import { flakyRuns } from "../../verdict/flaky";
import { isBad, type RunResult } from "../../verdict/outcome";
import { KernelBackends } from "../backends";
import { EXIT } from "../exit-codes";
import { caseFilesRead, closingSafely, ReportFiles } from "../file-reporters";
import { interruptible } from "../interruptible";
import { casePaths, selectionOf, type RunOptions } from "../options";

export async function runOrMatrix(name: "run" | "matrix", o: RunOptions): Promise<number> {
  const catalogue = loadCatalogue(casePaths(o));
  const files = new ReportFiles(o, [...caseFilesRead(casePaths(o)), { file: lastResultsPath(), what: "the last results the lab keeps for 'reuselab explain'" }]);
  const specs = guestKernels(o.kernel ?? []);
  const kernels = o.kernels ?? (specs.length ? (name === "matrix" ? ["host"] : []) : name === "matrix" ? ["host", ...kernelIds()] : ["host"]);
  await using backends = new KernelBackends(kernels, o.backend, specs);
  ensureMachine(backends.needsEngine ? "all" : "toolchain");
  if (backends.needsVm) ensureMachine("vm");
  return await runCases(backends, catalogue, o, files);
}

/** The kernels of --kernel SPEC; a spec that is none says why, and how to write it. */
function guestKernels(texts: readonly string[]): GuestKernel[] {
  return texts.map((text) => {
    const k = parseKernelSpec(text);
    if ("error" in k) throw new LabError("REUSELAB_BAD_ARGS", `--kernel ${text}: ${k.error}; ${k.fix}`);
    return k;
  });
}

/** The console (or the repeat summary) under a progress line on a terminal, the files, and the last results. */
function reporters(o: RunOptions, files: ReportFiles): Reporter[] {
  const progress = canRedraw(process.stdout) ? new ProgressLine(process.stdout) : undefined;
  const write = progress ? (t: string) => progress.log(t) : undefined;
  const words = o.repeat > 1 ? new RepeatReporter(o.repeat, { write }) : new ConsoleReporter({ write });
  // The progress line goes first: it must be gone before the console writes the summary.
  // The last results are a cache for `explain`: one that cannot be kept is a warning, not the run's end.
  const lastResults = closingSafely(new LastResultsReporter(), (e) => process.stderr.write(`reuselab: warning: the results were not kept for 'reuselab explain' in ${lastResultsPath()}: ${(e as Error).message}\n`));
  return [...(progress ? [progress] : []), words, ...files.reporters(), lastResults];
}

async function runCases(backends: KernelBackends, catalogue: Catalogue, o: RunOptions, files: ReportFiles): Promise<number> {
  using interrupt = interruptible("reuselab: interrupted; removing the lab's containers, namespaces and guests", () => void backends.abort());
  const prepared = await backends.prepare();
  const runs = plan(catalogue.cases, prepared.kernels, selectionOf(o));
  if (runs.length === 0) throw new LabError("REUSELAB_NO_CASES", "no run matches the selection (--filter, --tag)");
  const bus = new EventBus();
  for (const r of reporters(o, files)) bus.add(r);
  const repetitions: RunResult[][] = [];
  try {
    for (let i = 0; i < o.repeat && !interrupt.signal.aborted; i++) {
      const leftoversRemoved = i === 0 ? prepared.leftoversRemoved : {};
      bus.emit({ type: "session-started", backend: backends.name, kernels: prepared.kernels, runs, leftoversRemoved });
      repetitions.push(await runAll(runs, (k) => backends.backend(k), bus, prepared.kernels, { jobs: o.jobs, signal: interrupt.signal, claims: catalogue.claims }));
    }
  } finally {
    // Also when a backend fails half-way: the progress line goes, and the files of finished sessions are written.
    await bus.close();
    files.sayFailures();
  }
  return files.status(interrupt.signal.aborted ? EXIT.interrupted : verdict(repetitions));
}

/** 1 when a run failed in any repetition, or did not come to the same outcome every time. */
function verdict(repetitions: readonly RunResult[][]): number {
  const bad = repetitions.some((rep) => rep.some(isBad)) || flakyRuns(repetitions).length > 0;
  return bad ? EXIT.failed : EXIT.passed;
}
