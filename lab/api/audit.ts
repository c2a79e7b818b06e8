/**
 * audit(): real services attacked in the lab, as a library call, resolving with the object `reuselab
 * audit --json` writes. `reuselab audit` is runAuditSessions with the terminal and the report files
 * (lab/cli/commands/audit.ts): one code path. The options are validated whole before anything starts
 * (lab/api/audit-options.ts); nothing is left behind (containers, networks), also when `signal`
 * aborts or an attack throws.
 */
import { release } from "node:os";
import type { Audit, AuditResult } from "../audit/audit";
import { ensureMachine } from "../bootstrap/ensure";
import { LabError } from "../errors";
import type { ResultsFile } from "../report/json-reporter";
import { auditsOf, type AuditOptions } from "./audit-options";

export type { AuditFileOptions, AuditImageOptions, AuditOptions, AuditRunOptions } from "./audit-options";
export type { AuditResult, ProfileName, ProfileVerdict, VerdictKind } from "../audit/audit";

/** The schema-1 results object with the audits' verdicts, as `reuselab audit --json FILE` writes it. */
export type AuditResults = ResultsFile & { audit: AuditResult[] };

/** Runs the audits; resolves with their verdicts (a vulnerable service is a verdict, not an error: read gateFailures); rejects with a LabError on bad input or environment. */
export async function audit(o: AuditOptions): Promise<AuditResults> {
  const audits = auditsOf(o);
  const interrupted = () =>
    new LabError(
      "REUSELAB_INTERRUPTED",
      "audit was interrupted (its signal aborted); its containers and networks were removed",
    );
  if (o.signal?.aborted) throw interrupted();
  try {
    const [results] = await runAuditSessions(audits, {
      repeat: 1,
      ...(o.requests ? { requests: o.requests } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    return auditResults(results!);
  } catch (e) {
    if (o.signal?.aborted) throw interrupted();
    throw e;
  }
}

/** What the CLI adds: repetitions, and the repetition in each progress line. */
export interface AuditSessionOptions {
  repeat: number;
  requests?: number;
  signal?: AbortSignal;
  log?: (line: string, repetition: number) => void;
}

/** Every repetition's verdicts, in order; the machine (engine, debootstrap) is made ready first. */
export async function runAuditSessions(audits: readonly Audit[], o: AuditSessionOptions): Promise<AuditResult[][]> {
  ensureMachine("all");
  ensureMachine("audit");
  // The engine and the attacks load here, not with the package (or for `reuselab --help`).
  const { runAudits } = await import("../audit/run-audit");
  const repetitions: AuditResult[][] = [];
  for (let i = 0; i < o.repeat; i++) {
    repetitions.push(
      await runAudits(audits, {
        requests: o.requests ?? 64,
        ...(o.signal ? { signal: o.signal } : {}),
        log: (line) => o.log?.(line, i),
      }),
    );
  }
  return repetitions;
}

/** The verdicts as the results file holds them (schema 1: no runs or claims, the host's kernel). */
export function auditResults(audit: AuditResult[]): AuditResults {
  return { schema: 1, kernels: [{ id: "host", release: release() }], runs: [], claims: [], audit };
}
