/**
 * npm run bench [-- --n 1,2,4] [--duration MS] [--backend docker|netns] [--json FILE] [--html FILE]
 *                  [--udp-rate N] [--loss-rate N]
 *
 * Measures the seed guide's SO_REUSEPORT performance claims in a lab on this machine (run-bench.ts)
 * and prints a table per measurement and a verdict per claim. Exit 0 when it measured (whatever the
 * verdicts), 2 on bad options or environment (a report path refused before it starts, or a report
 * that could not be written at the end), 130 when interrupted.
 */
import { parseArgs } from "node:util";
import { ensureMachine } from "../bootstrap/ensure";
import { interruptible } from "../cli/interruptible";
import { LabError } from "../errors";
import type { ResultsFile } from "../report/json-reporter";
import { checkReportPaths, writeReports } from "../report/report-paths";
import { benchPage } from "./bench-html";
import { formatBench } from "./bench-report";
import type { BenchResults } from "../report/bench-results";
import { BENCH_BACKENDS, BENCH_DEFAULTS, BenchInterrupted, runBench, type BenchBackend } from "./run-bench";

const HELP = `reuselab bench: the seed guide's SO_REUSEPORT performance claims, measured on this machine

usage: npm run bench -- [options]

  --n LIST          worker counts to compare (default ${BENCH_DEFAULTS.workers.join(",")})
  --duration MS     each measurement's length (default ${BENCH_DEFAULTS.durationMs})
  --backend NAME    docker (default: a container per actor) or netns (processes in namespaces; root)
  --udp-rate N      datagrams a second per sender in the throughput measurement (default 0: unpaced)
  --loss-rate N     datagrams a second, all senders, in the loss measurement (default: half of what
                    the senders offered in the first throughput measurement)
  --json FILE       the results: {"schema":1, …, "bench":{…}}
  --html FILE       a page with the scaling chart and the verdicts
  -h, --help        this text
`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        n: { type: "string" },
        duration: { type: "string" },
        backend: { type: "string", default: "docker" },
        "udp-rate": { type: "string" },
        "loss-rate": { type: "string" },
        json: { type: "string" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!(BENCH_BACKENDS as readonly string[]).includes(values.backend!)) {
    process.stderr.write(`bench: unknown backend '${values.backend}' (known: ${BENCH_BACKENDS.join(", ")})\n`);
    return 2;
  }
  const reports = (["--json", "--html"] as const).flatMap((option) => {
    const file = values[option === "--json" ? "json" : "html"];
    return file === undefined ? [] : [{ option, file }];
  });
  using interrupt = interruptible("bench: interrupted; removing the lab");
  try {
    checkReportPaths(reports);
    ensureMachine(values.backend === "docker" ? "all" : "toolchain");
    const results = await runBench({
      backend: values.backend as BenchBackend,
      ...(values.n !== undefined ? { workers: values.n.split(",").map(Number) } : {}),
      ...(values.duration !== undefined ? { durationMs: Number(values.duration) } : {}),
      ...(values["udp-rate"] !== undefined ? { udpRate: Number(values["udp-rate"]) } : {}),
      ...(values["loss-rate"] !== undefined ? { lossRate: Number(values["loss-rate"]) } : {}),
      signal: interrupt.signal,
      progress: (line) => process.stderr.write(`  ${line}\n`),
    });
    process.stdout.write(formatBench(results, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, width: Math.min(140, process.stdout.columns ?? 110) }));
    process.stdout.write(`bench: ${(results.durationMs / 1000).toFixed(1)} s\n`);
    // Each file on its own; a bench that measured but could not keep its results exits 2.
    const text = { "--json": () => `${JSON.stringify(resultsFile(results), null, 2)}\n`, "--html": () => benchPage(results) };
    const failures = writeReports(reports.map((r) => ({ ...r, text: text[r.option] })));
    for (const f of failures) process.stderr.write(`bench: ${f}\n`);
    return failures.length ? 2 : 0;
  } catch (e) {
    if (e instanceof BenchInterrupted) return 130;
    if (e instanceof LabError) {
      process.stderr.write(`bench: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** The JSON results file (schema 1) of a session that ran no cases: its bench section only. */
export function resultsFile(bench: BenchResults): ResultsFile {
  return { schema: 1, kernels: [{ id: "host", release: bench.machine.kernel }], runs: [], claims: [], bench };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
