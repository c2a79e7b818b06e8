/**
 * --json, --junit, --html: the reporters that write a file when the session ends. Their paths are
 * checked when this is made, before anything starts (lab/report/report-paths.ts); at the end each file
 * is written on its own, so one that cannot be written does not keep the others from being written.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findCaseFiles } from "../case/load-cases";
import type { LabEvent, Reporter } from "../events/events";
import { HtmlReporter } from "../report/html-reporter";
import { JsonReporter } from "../report/json-reporter";
import { JunitReporter } from "../report/junit-reporter";
import { checkReportPaths, writeFailure, type OtherFile, type ReportTarget } from "../report/report-paths";
import { EXIT } from "../exit-codes";
import type { ReportOptions } from "./options";

const MAKE = {
  json: (file: string) => new JsonReporter(file),
  junit: (file: string) => new JunitReporter(file),
  html: (file: string) => new HtmlReporter(file),
} as const;

export class ReportFiles {
  private readonly targets: (ReportTarget & { kind: keyof typeof MAKE })[] = [];
  private readonly failures: string[] = [];
  private readonly failed = new Set<string>();

  /**
   * Throws ReportPathsError (exit 2) when a report cannot be written where it is asked to be, or would
   * land on one of `others` (the files the command reads). `jsonOption` names --json in messages
   * (merge calls its results file OUT).
   */
  constructor(o: ReportOptions, others: readonly OtherFile[], jsonOption = "--json") {
    const option = { json: jsonOption, junit: "--junit", html: "--html" } as const;
    for (const kind of ["json", "junit", "html"] as const) {
      const file = o[kind];
      if (file !== undefined) this.targets.push({ kind, option: option[kind], file });
    }
    checkReportPaths(this.targets, others);
  }

  /** The file reporters; each keeps a failure to write its file to itself (sayFailures(), status()). */
  reporters(): Reporter[] {
    return this.targets.map((t) =>
      closingSafely(MAKE[t.kind](t.file), (e) => {
        this.failures.push(writeFailure(t, e));
        this.failed.add(t.file);
      }),
    );
  }

  /** The paths written (of those asked for), once the bus closed. */
  written(): string[] {
    return this.targets.map((t) => t.file).filter((f) => !this.failed.has(f));
  }

  /** Says on stderr which reports were not written; after the bus closed, also when the run ended in an error. */
  sayFailures(): void {
    for (const f of this.failures) process.stderr.write(`reuselab: ${f}\n`);
  }

  /**
   * The exit status, given the run's: a run that passed but whose report is missing exits 2
   * (environment), so a CI gate does not pass without its report; a failed (1) or interrupted (130)
   * run keeps its status, which says more.
   */
  status(code: number): number {
    return this.failures.length && code === EXIT.passed ? EXIT.badInput : code;
  }
}

/** The reporter, except that a failure to close goes to `failed` instead of ending the bus's close() there. */
export function closingSafely(inner: Reporter, failed: (e: unknown) => void): Reporter {
  return {
    onEvent: (e: LabEvent) => inner.onEvent(e),
    close: async () => {
      try {
        await inner.close?.();
      } catch (e) {
        failed(e);
      }
    },
  };
}

/** The files a selection of cases reads: every case file and each folder's claims.yaml. */
export function caseFilesRead(paths: readonly string[]): OtherFile[] {
  const { files, roots } = findCaseFiles(paths);
  const claims = [...roots].map((r) => join(r, "claims.yaml")).filter((f) => existsSync(f));
  return [
    ...files.map(([file]) => ({ file, what: "a case file this command reads" })),
    ...claims.map((file) => ({ file, what: "the claims file this command reads" })),
  ];
}
