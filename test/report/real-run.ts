// A real run for the reporters' tests: a few cases of the catalogue and the fixtures on the netns
// backend (the host's kernel, no containers; root only), through the engine and an EventBus carrying
// the reporter under test, as the CLI does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { loadCatalogue } from "../../lab/case/load-cases";
import { KernelBackends } from "../../lab/run/kernel-backends";
import { EventBus, type Reporter } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { runAll } from "../../lab/run/runner";
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
  const prepared = await backends.prepare();
  const catalogue = loadCatalogue(CASE_FOLDERS);
  const runs = plan(catalogue.cases, prepared.kernels, { filter: SELECTION, tags: [], slow: false });
  let audit: ClaimAudit[] = [];
  const bus = new EventBus().add(reporter).add({ onEvent: (e) => e.type === "session-finished" && (audit = e.audit) });
  bus.emit({ type: "session-started", backend: backends.name, kernels: prepared.kernels, runs, leftoversRemoved: prepared.leftoversRemoved });
  const results = await runAll(runs, (k) => backends.backend(k), bus, prepared.kernels, { jobs: 2, claims: catalogue.claims });
  await bus.close();
  return { kernels: prepared.kernels, results, audit };
}

/** A fresh temporary folder and the function that removes it. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `reuselab-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
