/**
 * --json FILE: the results contract that CI and users parse (schema 1; extend it, never break it).
 * { schema, kernels: [{id, release}], runs: [{id, case, variant, kernel, outcome, durationMs, steps,
 *   failures? | reason?}] }
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { KernelInfo } from "../backend/backend";
import type { LabEvent, Reporter } from "../events/events";
import type { RunResult } from "../verdict/outcome";

export interface ResultsFile {
  schema: 1;
  kernels: KernelInfo[];
  runs: RunResult[];
}

export class JsonReporter implements Reporter {
  private results?: ResultsFile;

  constructor(private readonly file: string) {}

  onEvent(e: LabEvent): void {
    if (e.type === "session-finished") this.results = { schema: 1, kernels: e.kernels, runs: e.results };
  }

  async close(): Promise<void> {
    if (!this.results) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(this.results, null, 2)}\n`);
  }
}
