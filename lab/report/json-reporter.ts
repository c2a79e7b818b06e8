/**
 * --json FILE: the results contract that CI and users parse (schema 1; extend it, never break it).
 * { schema, kernels: [{id, release, build?, source?}], runs: [{id, case, variant, kernel, outcome, durationMs, steps,
 *   failures? | reason?}], claims: [{id, verdicts: {kernel: verdict}, evidence: [run id], relations,
 *   quote, section, seedLine}], knownBugs: {kernel: [{case, fix, subject, cve?, status, evidence, predicted, because,
 *   disagrees, allowed?}]}, staleAllowlist: [{case, kernel, reason, file, line, evidence}], bench?, audit? }:
 *   knownBugs is lab/findings/known-bugs.ts's, per kernel (an empty list where no regression case ran); bench, when `reuselab bench` ran, is lab/report/bench-results.ts's BenchResults;
 *   audit, when `reuselab audit` ran, is lab/audit/audit.ts's AuditResult per audited service
 * A guest kernel's build is its /proc/version, its source lab/backend/backend.ts's KernelProvenance (where it came from, with sha256).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AuditResult } from "../audit/audit";
import type { KernelInfo } from "../kernel-info";
import type { BenchResults } from "./bench-results";
import type { LabEvent, Reporter } from "../events/events";
import type { ClaimAudit } from "../findings/claims-audit";
import type { KnownBug, StaleAllowEntry } from "../findings/known-bugs";
import { runRecord, type RunRecord } from "../verdict/outcome";

export interface ResultsFile {
  schema: 1;
  kernels: KernelInfo[];
  runs: RunRecord[];
  claims: (ClaimAudit & { quote: string; section: string; seedLine: number })[];
  /** Per kernel, each regression case's fix: present, absent or not-run, with its evidence and the version's prediction. */
  knownBugs?: Record<string, KnownBug[]>;
  /** Allowlist entries whose fix the kernel was found to have. */
  staleAllowlist?: StaleAllowEntry[];
  /** The SO_REUSEPORT performance measurements (reuselab bench). */
  bench?: BenchResults;
  /** The service audit's verdicts (reuselab audit). */
  audit?: AuditResult[];
}

/** The results object of a finished session: what --json writes and what runCases() returns. */
export function resultsOf(e: Extract<LabEvent, { type: "session-finished" }>): ResultsFile {
  const claim = new Map(e.claims.map((c) => [c.id, c]));
  return {
    schema: 1,
    kernels: e.kernels,
    runs: e.results.map(runRecord),
    claims: e.audit.map((a) => ({
      ...a,
      quote: claim.get(a.id)!.quote,
      section: claim.get(a.id)!.section,
      seedLine: claim.get(a.id)!.line,
    })),
    knownBugs: e.knownBugs.kernels,
    staleAllowlist: e.knownBugs.staleAllowlist,
  };
}

export class JsonReporter implements Reporter {
  private results?: ResultsFile;

  constructor(private readonly file: string) {}

  onEvent(e: LabEvent): void {
    if (e.type === "session-finished") this.results = resultsOf(e);
  }

  async close(): Promise<void> {
    if (!this.results) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(this.results, null, 2)}\n`);
  }
}
