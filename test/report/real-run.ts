// A real run for the reporters' tests: a few cases of the catalogue and the fixtures on the netns
// backend (the host's kernel, no containers; root only), through the engine and an EventBus carrying
// the reporter under test, as the CLI does.
//
// It runs in a child process (real-run-child.ts): ava runs test files in worker threads of one
// process, and the netns backend names its namespaces by pid (rl-<pid>-<n>), so two runs at once in
// one process would make the same namespaces. The child also writes the results (JsonReporter) for the
// tests to compare the report with.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/backend/backend";
import type { ResultsFile } from "../../lab/report/json-reporter";
import type { ClaimAudit } from "../../lab/verdict/claims-audit";
import type { RunResult } from "../../lab/verdict/outcome";

/**
 * 7 runs: 4 that pass and confirm or refute claims, 1 failure (wrong-expectation: the kernel answers
 * EADDRINUSE where the case says ok), 1 xfail and 1 skip (a case that needs a kernel before 3.9).
 */
export const SELECTION = [
  "uid-rule/tcp-reuseport-needs-same-uid.",
  "hijack/udp-specific-address-steals-unicast.",
  "wrong-expectation.",
  "known-wrong-uid-rule.",
  "reuseport-before-3-9.",
];

export const CASE_FOLDERS = ["cases", "test/fixtures/failing", "test/fixtures/report"];

export type ReporterKind = "junit" | "html";

export interface RealRun {
  kernels: KernelInfo[];
  results: RunResult[];
  audit: ClaimAudit[];
}

/** Runs the selection with a `kind` reporter writing `file`; the child is killed after `timeoutMs`. */
export async function runWith(kind: ReporterKind, file: string, timeoutMs = 120_000): Promise<RealRun> {
  const temp = tempFolder("results");
  try {
    const results = join(temp.dir, "results.json");
    const args = ["-r", "ts-node/register/transpile-only", join(__dirname, "real-run-child.ts"), kind, file, results, ...SELECTION];
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 << 20 }, (e, _out, err) => (e ? reject(new Error(`the real run failed: ${e.message}\n${err}`)) : resolve())),
    );
    const r = JSON.parse(readFileSync(results, "utf8")) as ResultsFile;
    return { kernels: r.kernels, results: r.runs, audit: r.claims };
  } finally {
    temp.remove();
  }
}

/** A fresh temporary folder and the function that removes it. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `reuselab-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
