/**
 * reuselab bench (its options: lab/cli/commands/bench.ts): measures the seed guide's SO_REUSEPORT
 * performance claims in a lab on this machine (run-bench.ts) and prints a table per measurement and a
 * verdict per claim. Exit 0 when it measured (whatever the verdicts), 2 on bad options or environment
 * (a report path refused before it starts, or a report that could not be written at the end), 130 when
 * interrupted.
 */
import type { HostBackend } from "../backend/host-backends";
import { ensureMachine } from "../bootstrap/ensure";
import { LabError } from "../errors";
import { exitStatusOf } from "../exit-codes";
import { interruptible } from "../interruption";
import type { BenchResults } from "../report/bench-results";
import type { ResultsFile } from "../report/json-reporter";
import { checkReportPaths, writeReports } from "../report/report-paths";
import { benchPage } from "./bench-html";
import { formatBench } from "./bench-report";
import { runBench } from "./run-bench";

export interface BenchCommandOptions {
  /** --n LIST: worker counts. */
  n?: number[];
  duration?: number;
  backend: HostBackend;
  udpRate?: number;
  lossRate?: number;
  json?: string;
  html?: string;
}

export async function benchAction(o: BenchCommandOptions): Promise<number> {
  const reports = (["--json", "--html"] as const).flatMap((option) => {
    const file = o[option === "--json" ? "json" : "html"];
    return file === undefined ? [] : [{ option, file }];
  });
  using interrupt = interruptible("bench: interrupted; removing the lab");
  try {
    checkReportPaths(reports);
    ensureMachine(o.backend === "docker" ? "all" : "toolchain");
    const results = await runBench({
      backend: o.backend,
      ...(o.n !== undefined ? { workers: o.n } : {}),
      ...(o.duration !== undefined ? { durationMs: o.duration } : {}),
      ...(o.udpRate !== undefined ? { udpRate: o.udpRate } : {}),
      ...(o.lossRate !== undefined ? { lossRate: o.lossRate } : {}),
      signal: interrupt.signal,
      progress: (line) => process.stderr.write(`  ${line}\n`),
    });
    process.stdout.write(
      formatBench(results, {
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        width: Math.min(140, process.stdout.columns ?? 110),
      }),
    );
    process.stdout.write(`bench: ${(results.durationMs / 1000).toFixed(1)} s\n`);
    // Each file on its own; a bench that measured but could not keep its results exits 2.
    const text = {
      "--json": () => `${JSON.stringify(resultsFile(results), null, 2)}\n`,
      "--html": () => benchPage(results),
    };
    const failures = writeReports(reports.map((r) => ({ ...r, text: text[r.option] })));
    for (const f of failures) process.stderr.write(`bench: ${f}\n`);
    return failures.length ? 2 : 0;
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    return exitStatusOf(e);
  }
}

/** The JSON results file (schema 1) of a session that ran no cases: its bench section only. */
export function resultsFile(bench: BenchResults): ResultsFile {
  return { schema: 1, kernels: [{ id: "host", release: bench.machine.kernel }], runs: [], claims: [], bench };
}
