/**
 * reuselab run | matrix: one implementation, two defaults for the kernels (run: this machine's;
 * matrix: this machine's and every guest kernel image). Loads and validates every case before
 * anything starts, prepares a backend per kernel (engine, probe image, guest kernels, leftovers of
 * killed runs), runs the selection --repeat times, reports.
 */
import type { Command } from "commander";
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
import { defaultGuests, KernelBackends } from "../backends";
import { EXIT } from "../exit-codes";
import { caseFilesRead, closingSafely, ReportFiles } from "../file-reporters";
import { interruptible } from "../interruptible";
import { addBackendOption, addKernelSpecOption, addKernelsOption, addReportOptions, addSelectionOptions, casePaths, selectionOf, wholeNumber, type ExitSink, type RunOptions } from "../options";

const WHAT = {
  run: "the catalogue on this machine's kernel (the default command)",
  matrix: "the catalogue on this machine's kernel and on every guest kernel image (images/kernels/kernels.yaml), side by side",
} as const;
const SUMMARY = {
  run: "run the cases on this machine's kernel (the default command)",
  matrix: "run them on this machine's kernel and every guest kernel, side by side",
} as const;

export function runCommands(parent: Command, exit: ExitSink): void {
  for (const name of ["run", "matrix"] as const) {
    const cmd = parent.command(name).summary(SUMMARY[name]).description(WHAT[name]);
    addSelectionOptions(cmd).option("--slow", "also run the cases tagged slow (they wait out real timers, e.g. TIME_WAIT)");
    addKernelsOption(cmd, `the kernels to run on (default: ${name === "run" ? "host" : "host and every guest kernel"})`);
    addKernelSpecOption(cmd);
    addBackendOption(cmd);
    cmd
      .option("--jobs <n>", "runs at once on each kernel", wholeNumber("--jobs", 1, 32), 2)
      .option("--guests <n>", `guest kernels booting or running at once; the others wait their turn (default: one per core, ${defaultGuests()} here)`, wholeNumber("--guests", 1, 64))
      .option("--repeat <n>", "run the selection N times and report every run whose verdict changed", wholeNumber("--repeat", 1, 100), 1);
    addReportOptions(cmd).action(async (o: RunOptions) => exit(await runOrMatrix(name, o)));
  }
}

async function runOrMatrix(name: "run" | "matrix", o: RunOptions): Promise<number> {
  const catalogue = loadCatalogue(casePaths(o));
  const files = new ReportFiles(o, [...caseFilesRead(casePaths(o)), { file: lastResultsPath(), what: "the last results the lab keeps for 'reuselab explain'" }]);
  const specs = guestKernels(o.kernel ?? []);
  const kernels = o.kernels ?? (specs.length ? (name === "matrix" ? ["host"] : []) : name === "matrix" ? ["host", ...kernelIds()] : ["host"]);
  await using backends = new KernelBackends(kernels, o.backend, specs, o.guests);
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
      repetitions.push(await runAll(runs, (k) => backends.backend(k), bus, prepared.kernels, { jobs: o.jobs, signal: interrupt.signal, claims: catalogue.claims, slotsFor: (k) => backends.slotsFor(k) }));
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
