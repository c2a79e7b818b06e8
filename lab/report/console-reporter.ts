/** The console: one line per run with its verdict, the evidence of each failure, and a summary. */
import type { LabEvent, Reporter } from "../events/events";
import type { KernelInfo } from "../backend/backend";
import type { ClaimAudit, ClaimVerdict } from "../verdict/claims-audit";
import { buildMatrix, CELL } from "./matrix";
import { describeObservation } from "../verdict/observation";
import { formatFailure, type Outcome, type RunResult } from "../verdict/outcome";

export interface ConsoleOptions {
  write?: (text: string) => void;
  color?: boolean;
}

const VERDICTS: ClaimVerdict[] = ["refuted", "partly", "confirmed", "untested"];
const VERDICT_COLOR: Record<ClaimVerdict, number> = { refuted: 31, partly: 33, confirmed: 32, untested: 2 };
const LABEL: Record<Outcome, string> = { passed: "PASS ", failed: "FAIL ", skipped: "SKIP ", xfail: "XFAIL", xpass: "XPASS" };
const COLOR: Record<Outcome, number> = { passed: 32, failed: 31, skipped: 33, xfail: 36, xpass: 35 };

export function wantsColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
}

/** The observations that carry a run's point: errnos, counts received or accepted, TCP states, kills. */
function evidence(r: RunResult): string {
  return r.steps
    .filter((s) => s.expected !== "ok" && !s.call.startsWith("send ") && !s.observed.error)
    .map((s) => `${s.actor} ${s.call.split(" ")[0]} ${describeObservation(s.observed, /\bfair\b/.test(s.expected)).replace(/^-1 /, "")}`)
    .join(" · ");
}

export class ConsoleReporter implements Reporter {
  private readonly write: (text: string) => void;
  private readonly color: boolean;
  private kernels = 1;

  constructor(opts: ConsoleOptions = {}) {
    this.write = opts.write ?? ((t) => process.stdout.write(t));
    this.color = opts.color ?? wantsColor(process.stdout);
  }

  onEvent(e: LabEvent): void {
    switch (e.type) {
      case "session-started": {
        this.kernels = e.kernels.length;
        const kernels = e.kernels.map((k) => `${k.id} (${k.release})`).join(", ");
        this.write(`reuselab: ${e.runs.length} run${e.runs.length === 1 ? "" : "s"} on the ${e.backend} backend, kernel ${kernels}\n`);
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
        if (e.audit.length) this.write(this.audit(e.audit, e.kernels));
        return;
      default:
        return;
    }
  }

  private paint(code: number, text: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  private runLine(r: RunResult): string {
    const head = `  ${this.paint(COLOR[r.outcome], LABEL[r.outcome])} ${r.id}  ${this.paint(2, `${r.durationMs} ms`)}\n`;
    const seen = evidence(r);
    const withEvidence = seen ? `${head}        ${this.paint(2, seen)}\n` : head;
    switch (r.outcome) {
      case "failed":
        return head + r.failures.map((f) => `        ${formatFailure(f)}\n`).join("");
      case "xfail":
        return head + `        known failure: ${r.reason}\n`;
      case "xpass":
        return head + `        expected to fail (${r.reason}) but passed: update the case\n`;
      case "skipped":
        return head + `        ${r.reason}\n`;
      case "passed":
        return withEvidence;
    }
  }

  private matrix(results: readonly RunResult[], kernels: readonly KernelInfo[]): string {
    const rows = buildMatrix(results, kernels);
    const width = Math.max(10, ...rows.map((r) => r.id.length));
    const head = `${"case.variant".padEnd(width)}  ${kernels.map((k) => k.id.padEnd(6)).join(" ")}\n`;
    const lines = rows.map((r) => {
      const cells = kernels.map((k) => {
        const c = r.cells[k.id];
        return c ? this.paint(COLOR[c.outcome], CELL[c.outcome].padEnd(6)) : "".padEnd(6);
      });
      const mark = r.differs ? this.paint(33, "  <- kernels differ") : "";
      const notes = r.notes.map((n) => `      ${this.paint(2, n)}\n`).join("");
      return `${r.id.padEnd(width)}  ${cells.join(" ")}${mark}\n${notes}`;
    });
    const differing = rows.filter((r) => r.differs).length;
    return `\n${head}${lines.join("")}kernels differ on ${differing} of ${rows.length} case variants\n\n`;
  }

  private audit(audit: readonly ClaimAudit[], kernels: readonly KernelInfo[]): string {
    const ids = kernels.map((k) => k.id);
    const counts = (k: string) => VERDICTS.map((v) => `${audit.filter((a) => a.verdicts[k] === v).length} ${v}`).join(", ");
    const perKernel = ids.length === 1 ? `on ${ids[0]}: ${counts(ids[0]!)}` : ids.map((k) => `\n  on ${k}: ${counts(k)}`).join("");
    const head = `claims audit, ${audit.length} claims of the seed guide ${perKernel}\n`;
    const rank = (a: ClaimAudit) => Math.min(...ids.map((k) => VERDICTS.indexOf(a.verdicts[k]!)));
    const width = Math.max(0, ...audit.map((a) => a.id.length));
    const judged = audit.filter((a) => ids.some((k) => a.verdicts[k] !== "untested"));
    const untested = audit.filter((a) => !judged.includes(a)).map((a) => a.id);
    const named = untested.length <= 8 ? `: ${untested.join(", ")}` : " (the JSON results list them)";
    const tail = untested.length ? `  ${this.paint(2, `${untested.length} untested: no passing run of this selection names them${named}`)}\n` : "";
    const lines = [...judged]
      .sort((a, b) => rank(a) - rank(b))
      .map((a) => {
        const verdicts = ids.map((k) => (ids.length > 1 ? `${k}:` : "") + a.verdicts[k]!.toUpperCase().padEnd(9)).join(" ");
        const painted = this.paint(VERDICT_COLOR[VERDICTS[rank(a)]!], verdicts);
        const shown = `${a.evidence[0]}${a.evidence.length > 1 ? ` (+${a.evidence.length - 1})` : ""}`;
        return `  ${painted} ${a.id.padEnd(width)}  ${this.paint(2, shown)}\n`;
      });
    return head + lines.join("") + tail;
  }

  private summary(results: RunResult[], ms: number, interrupted: boolean): string {
    const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
    const parts = [`${count("passed")} passed`, `${count("failed")} failed`];
    for (const o of ["skipped", "xfail", "xpass"] as const) if (count(o)) parts.push(`${count(o)} ${o}`);
    const tail = interrupted ? " (interrupted)" : "";
    return `${results.length} run${results.length === 1 ? "" : "s"}: ${parts.join(", ")} in ${(ms / 1000).toFixed(1)} s${tail}\n`;
  }
}
