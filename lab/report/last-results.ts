/**
 * The last result of every run id ever run here, in .cache/last-results.json: what `reuselab explain`
 * shows as "last observed". Each session's results are merged in by run id, so running one case does
 * not forget the others. The file is replaced atomically (write, then rename): a reader never sees half
 * of it, and of two sessions finishing at once the later rename wins.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheDir } from "../cache-dir";
import type { LabEvent, Reporter } from "../events/events";
import { runRecord, type RunRecord } from "../verdict/outcome";
import { debugLog } from "../debug-log";

export interface LastResult {
  /** When the session that observed it finished (ISO 8601). */
  at: string;
  /** The kernel's release (uname -r) at the time. */
  release: string;
  result: RunRecord;
}

export interface LastResultsFile {
  schema: 1;
  runs: Record<string, LastResult>;
}

export function lastResultsPath(): string {
  return join(cacheDir(), "last-results.json");
}

/** The file's runs; none when it is missing or unreadable (it is a cache: the next run writes it anew). */
export function readLastResults(file = lastResultsPath()): LastResultsFile {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LastResultsFile>;
    if (parsed.schema === 1 && parsed.runs && typeof parsed.runs === "object") return { schema: 1, runs: parsed.runs };
  } catch (e) {
    debugLog("report/last-results", e); // missing or broken: start afresh
  }
  return { schema: 1, runs: {} };
}

export class LastResultsReporter implements Reporter {
  private readonly fresh: Record<string, LastResult> = {};

  constructor(private readonly file = lastResultsPath()) {}

  onEvent(e: LabEvent): void {
    if (e.type !== "session-finished") return;
    const at = new Date().toISOString();
    const release = new Map(e.kernels.map((k) => [k.id, k.release]));
    for (const result of e.results) {
      // A run skipped because the session was interrupted observed nothing: keep what was known before.
      if (e.interrupted && result.outcome === "skipped") continue;
      this.fresh[result.id] = { at, release: release.get(result.kernel) ?? "", result: runRecord(result) };
    }
  }

  async close(): Promise<void> {
    if (Object.keys(this.fresh).length === 0) return;
    const merged = readLastResults(this.file);
    Object.assign(merged.runs, this.fresh);
    mkdirSync(dirname(this.file), { recursive: true });
    const partial = `${this.file}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(merged)}\n`);
    renameSync(partial, this.file);
  }
}
