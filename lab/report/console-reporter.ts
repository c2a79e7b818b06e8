/** The console: one line per run with its verdict, the evidence of each failure, the matrix, a summary, the known bugs and the claims audit. */
import type { LabEvent, Reporter } from "../events/events";
import type { KernelInfo } from "../kernel-info";
import type { ClaimAudit, ClaimVerdict } from "../findings/claims-audit";
import { buildMatrix, CELL } from "./matrix";
import { asksFairness } from "../verdict/expectation";
import { describeObservation } from "../verdict/observation";
import { formatFailure, type Outcome, type RunRecord, type RunResult } from "../verdict/outcome";
import { colorsFor, plainTable, tableText, wantsColor, type Colors } from "../terminal";
import { provenanceText } from "./kernel-provenance";
import { knownBugsText } from "./known-bugs-text";

export interface ConsoleOptions {
  write?: (text: string) => void;
  color?: boolean;
}

const VERDICTS: ClaimVerdict[] = ["refuted", "partly", "confirmed", "untested"];
type Paint = keyof Pick<Colors, "red" | "yellow" | "green" | "dim" | "cyan" | "magenta">;
const VERDICT_COLOR: Record<ClaimVerdict, Paint> = {
  refuted: "red",
  partly: "yellow",
  confirmed: "green",
  untested: "dim",
};
export const LABEL: Record<Outcome, string> = {
  passed: "PASS ",
  failed: "FAIL ",
  skipped: "SKIP ",
  xfail: "XFAIL",
  xpass: "XPASS",
};
export const OUTCOME_COLOR: Record<Outcome, Paint> = {
  passed: "green",
  failed: "red",
  skipped: "yellow",
  xfail: "cyan",
  xpass: "magenta",
};

/** The observations that carry a run's point: errnos, counts received or accepted, TCP states, kills. */
function evidence(r: RunResult): string {
  return r.steps
    .filter((s) => s.expectation.kind !== "ok" && s.verb !== "send" && !s.observed.error)
    .map(
      (s) => `${s.actor} ${s.verb} ${describeObservation(s.observed, asksFairness(s.expectation)).replace(/^-1 /, "")}`,
    )
    .join(" · ");
}

/** "3 passed, 1 failed, 2 skipped": the outcomes that occurred (passed and failed always). */
export function countOutcomes(results: readonly RunResult[]): string {
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  const parts = [`${count("passed")} passed`, `${count("failed")} failed`];
  for (const o of ["skipped", "xfail", "xpass"] as const) if (count(o)) parts.push(`${count(o)} ${o}`);
  return parts.join(", ");
}

/** The lines under a run that did not pass: each failure as file:line: actor: call: expected … but got …. */
export function problemLines(r: RunRecord): string[] {
  switch (r.outcome) {
    case "failed":
      return r.failures.map(formatFailure);
    case "xfail":
      return [`known failure: ${r.reason}`];
    case "xpass":
      return [`expected to fail (${r.reason}) but passed: update the case`];
    case "skipped":
      return [r.reason];
    case "passed":
      return [];
  }
}

export class ConsoleReporter implements Reporter {
  private readonly write: (text: string) => void;
  private readonly c: Colors;
  private kernels = 1;

  constructor(opts: ConsoleOptions = {}) {
    this.write = opts.write ?? ((t) => process.stdout.write(t));
    this.c = colorsFor(opts.color ?? wantsColor(process.stdout));
  }

  onEvent(e: LabEvent): void {
    switch (e.type) {
      case "session-started": {
        this.kernels = e.kernels.length;
        const kernels = e.kernels.map((k) => `${k.id} (${k.release})`).join(", ");
        this.write(
          `reuselab: ${e.runs.length} run${e.runs.length === 1 ? "" : "s"} on the ${e.backend} backend, kernel ${kernels}\n`,
        );
        for (const k of e.kernels) {
          const p = provenanceText(k);
          if (p) this.write(`  ${p}\n`);
        }
        const removed = Object.entries(e.leftoversRemoved).map(([what, n]) => `${n} ${what}`);
        if (removed.length) this.write(`reuselab: removed ${removed.join(" and ")} left by a killed earlier run\n`);
        return;
      }
      case "run-finished":
        // Across several kernels, only what did not pass gets a line of its own; the matrix shows the rest.
        if (this.kernels > 1 && e.result.outcome === "passed") return;
        return this.write(this.runLine(e.result));
      case "session-finished":
        if (e.kernels.length > 1) this.write(this.matrix(e.results, e.kernels));
        this.write(this.summary(e.results, e.durationMs, e.interrupted));
        this.write(knownBugsText(e.knownBugs, e.kernels, this.c));
        if (e.audit.length) this.write(this.audit(e.audit, e.kernels));
        return;
      default:
        return;
    }
  }

  private runLine(r: RunResult): string {
    const head = `  ${this.c[OUTCOME_COLOR[r.outcome]](LABEL[r.outcome])} ${r.id}  ${this.c.dim(`${r.durationMs} ms`)}\n`;
    const lines = r.outcome === "passed" ? [evidence(r)].filter(Boolean).map((l) => this.c.dim(l)) : problemLines(r);
    return head + lines.map((l) => `        ${l}\n`).join("");
  }

  private matrix(results: readonly RunResult[], kernels: readonly KernelInfo[]): string {
    const rows = buildMatrix(results, kernels);
    const table = plainTable(["case.variant", ...kernels.map((k) => k.id), ""], this.c);
    for (const r of rows) {
      const cells = kernels.map((k) => {
        const cell = r.cells[k.id];
        return cell ? this.c[OUTCOME_COLOR[cell.outcome]](CELL[cell.outcome]) : "";
      });
      table.push([r.id, ...cells, r.differs ? this.c.yellow("<- kernels differ") : ""]);
      for (const n of r.notes) table.push([{ content: this.c.dim(`    ${n}`), colSpan: kernels.length + 2 }]);
    }
    const differing = rows.filter((r) => r.differs).length;
    return `\n${tableText(table)}\nkernels differ on ${differing} of ${rows.length} case variants\n\n`;
  }

  private audit(audit: readonly ClaimAudit[], kernels: readonly KernelInfo[]): string {
    const ids = kernels.map((k) => k.id);
    const counts = (k: string) =>
      VERDICTS.map((v) => `${audit.filter((a) => a.verdicts[k] === v).length} ${v}`).join(", ");
    const perKernel =
      ids.length === 1 ? ` on ${ids[0]}: ${counts(ids[0]!)}` : ids.map((k) => `\n  on ${k}: ${counts(k)}`).join("");
    const head = `claims audit, ${audit.length} claims of the seed guide${perKernel}\n`;
    const rank = (a: ClaimAudit) => Math.min(...ids.map((k) => VERDICTS.indexOf(a.verdicts[k]!)));
    const judged = audit.filter((a) => ids.some((k) => a.verdicts[k] !== "untested"));
    const untested = audit.filter((a) => !judged.includes(a)).map((a) => a.id);
    const named = untested.length <= 8 ? `: ${untested.join(", ")}` : " (the JSON results list them)";
    const tail = untested.length
      ? `  ${this.c.dim(`${untested.length} untested: no passing run of this selection names them${named}`)}\n`
      : "";
    const table = plainTable([], this.c);
    for (const a of [...judged].sort((x, y) => rank(x) - rank(y))) {
      const verdicts = ids
        .map((k) => (ids.length > 1 ? `${k}:` : "") + a.verdicts[k]!.toUpperCase().padEnd(9))
        .join(" ");
      const shown = `${a.evidence[0]}${a.evidence.length > 1 ? ` (+${a.evidence.length - 1})` : ""}`;
      table.push([this.c[VERDICT_COLOR[VERDICTS[rank(a)]!]](verdicts.trimEnd()), a.id, this.c.dim(shown)]);
    }
    return head + (judged.length ? `${tableText(table)}\n` : "") + tail;
  }

  private summary(results: RunResult[], ms: number, interrupted: boolean): string {
    const tail = interrupted ? " (interrupted)" : "";
    return `${results.length} run${results.length === 1 ? "" : "s"}: ${countOutcomes(results)} in ${(ms / 1000).toFixed(1)} s${tail}\n`;
  }
}
