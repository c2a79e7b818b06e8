/**
 * What `reuselab run | matrix` does once its options are parsed (run.ts defines them): the library's
 * runSessions (lab/api/run-cases.ts, one code path with runCases) with the terminal and the report
 * files listening, and the exit status.
 */
import { runSessions } from "../../api/run-cases";
import type { Reporter } from "../../events/events";
import { ConsoleReporter } from "../../report/console-reporter";
import { LastResultsReporter, lastResultsPath } from "../../report/last-results";
import { ProgressLine } from "../../report/progress";
import { RepeatReporter } from "../../report/repeat-reporter";
import { canRedraw } from "../../terminal";
import { flakyRuns } from "../../verdict/flaky";
import { isBad, type RunResult } from "../../verdict/outcome";
import { EXIT } from "../../exit-codes";
import { caseFilesRead, closingSafely, ReportFiles } from "../file-reporters";
import { interruptible } from "../../interruption";
import { allowlistPath } from "../../case/known-bugs-file";
import { casePaths, type RunOptions } from "../options";

export async function runOrMatrix(name: "run" | "matrix", o: RunOptions): Promise<number> {
  let files: ReportFiles | undefined;
  try {
    const { repetitions, interrupted } = await runSessions({
      ...(o.cases ? { cases: o.cases } : {}),
      ...(o.knownBugs ? { knownBugs: o.knownBugs } : {}),
      backend: o.backend,
      ...(o.kernels ? { kernels: o.kernels } : {}),
      kernelSpecs: o.kernel ?? [],
      allKernels: name === "matrix",
      filter: o.filter ?? [],
      tags: o.tag ?? [],
      slow: o.slow ?? false,
      jobs: o.jobs,
      zeros: o.zeros,
      ...(o.guests ? { guests: o.guests } : {}),
      repeat: o.repeat,
      interrupt: () => interruptible("reuselab: interrupted; removing the lab's containers, namespaces and guests"),
      // Made once the cases are valid and before anything starts: a report that cannot be written stops the run here.
      reporters: () => {
        const allowlist = allowlistPath(o);
        const reads = [
          ...caseFilesRead(casePaths(o)),
          ...(allowlist ? [{ file: allowlist, what: "the known-bugs allowlist this command reads" }] : []),
        ];
        files = new ReportFiles(o, [
          ...reads,
          { file: lastResultsPath(), what: "the last results the lab keeps for 'reuselab explain'" },
        ]);
        return reporters(o, files);
      },
    });
    return files!.status(interrupted ? EXIT.interrupted : verdict(repetitions));
  } finally {
    files?.sayFailures();
  }
}

/** The console (or the repeat summary) under a progress line on a terminal, the files, and the last results. */
function reporters(o: RunOptions, files: ReportFiles): Reporter[] {
  const progress = canRedraw(process.stdout) ? new ProgressLine(process.stdout) : undefined;
  const write = progress ? (t: string) => progress.log(t) : undefined;
  const words = o.repeat > 1 ? new RepeatReporter(o.repeat, { write }) : new ConsoleReporter({ write });
  // The progress line goes first: it must be gone before the console writes the summary.
  // The last results are a cache for `explain`: one that cannot be kept is a warning, not the run's end.
  const lastResults = closingSafely(new LastResultsReporter(), (e) =>
    process.stderr.write(
      `reuselab: warning: the results were not kept for 'reuselab explain' in ${lastResultsPath()}: ${(e as Error).message}\n`,
    ),
  );
  return [...(progress ? [progress] : []), words, ...files.reporters(), lastResults];
}

/** 1 when a run failed in any repetition, or did not come to the same outcome every time. */
function verdict(repetitions: readonly RunResult[][]): number {
  const bad = repetitions.some((rep) => rep.some(isBad)) || flakyRuns(repetitions).length > 0;
  return bad ? EXIT.failed : EXIT.passed;
}
