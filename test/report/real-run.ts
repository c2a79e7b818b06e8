// A real run for the reporters' tests: a few cases of the catalogue and the fixtures on the netns
// backend (the host's kernel, no containers; root only), through the engine and an EventBus carrying
// the reporter under test, as the CLI does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { loadCatalogue } from "../../lab/case/load-cases";
import { KernelBackends } from "../../lab/run/kernel-backends";
import type { Reporter } from "../../lab/events/events";
import { runSession } from "../../lab/run/session";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
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

export interface RealRun {
  kernels: KernelInfo[];
  results: RunResult[];
  audit: ClaimAudit[];
}

/** Runs the selection with `reporter` on the bus, then closes the bus (the reporter writes its file). */
export async function runWith(reporter: Reporter): Promise<RealRun> {
  await using backends = new KernelBackends(["host"], "netns");
  const { kernels, finished } = await runSession(backends, {
    catalogue: loadCatalogue(CASE_FOLDERS),
    selection: { filter: SELECTION },
    reporters: [reporter],
  });
  return { kernels, results: finished!.results, audit: finished!.audit };
}

/** A fresh temporary folder and the function that removes it. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `reuselab-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
