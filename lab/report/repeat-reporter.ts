/**
 * The console for --repeat N: one short line per repetition (and one line per failure in it), then the
 * runs whose verdict changed between repetitions, with the outcome of each. N full reports would bury
 * the one thing a repetition is for.
 */
import type { LabEvent, Reporter } from "../events/events";
import { flakyRuns } from "../verdict/flaky";
import { formatFailure, type RunResult } from "../verdict/outcome";
import { countOutcomes, LABEL, OUTCOME_COLOR } from "./console-reporter";
import { knownBugsText } from "./known-bugs-text";
import { CELL } from "./matrix";
import { colorsFor, plainTable, tableText, wantsColor, type Colors } from "../terminal";

export interface RepeatOptions {
  write?: (text: string) => void;
  color?: boolean;
}

export class RepeatReporter implements Reporter {
  private readonly write: (text: string) => void;
  private readonly c: Colors;
  private readonly repetitions: RunResult[][] = [];
  private started = 0;
  /** The last repetition's known bugs and kernels: said once, at the end (a fix that flipped is in the flaky list). */
  private last?: Extract<LabEvent, { type: "session-finished" }>;

  constructor(
    private readonly times: number,
    opts: RepeatOptions = {},
  ) {
    this.write = opts.write ?? ((t) => process.stdout.write(t));
    this.c = colorsFor(opts.color ?? wantsColor(process.stdout));
  }

  onEvent(e: LabEvent): void {
    switch (e.type) {
      case "session-started":
        if (this.started++ === 0) {
          const kernels = e.kernels.map((k) => `${k.id} (${k.release})`).join(", ");
          this.write(
            `reuselab: ${e.runs.length} run${e.runs.length === 1 ? "" : "s"}, ${this.times} times each, on the ${e.backend} backend, kernel ${kernels}\n`,
          );
        }
        return;
      case "session-finished": {
        this.repetitions.push(e.results);
        this.last = e;
        const n = this.repetitions.length;
        const tail = e.interrupted ? " (interrupted)" : "";
        this.write(
          `repetition ${n}/${this.times}: ${countOutcomes(e.results)} in ${(e.durationMs / 1000).toFixed(1)} s${tail}\n`,
        );
        for (const r of e.results) {
          if (r.outcome !== "failed" && r.outcome !== "xpass") continue;
          const why =
            r.outcome === "failed" ? r.failures.map(formatFailure) : [`expected to fail (${r.reason}) but passed`];
          for (const w of why) this.write(`  ${this.c[OUTCOME_COLOR[r.outcome]](LABEL[r.outcome])} ${r.id}: ${w}\n`);
        }
        return;
      }
      default:
        return;
    }
  }

  async close(): Promise<void> {
    const flaky = flakyRuns(this.repetitions);
    const runs = new Set(this.repetitions.flatMap((rep) => rep.map((r) => r.id))).size;
    const flipped = new Set(flaky.map((f) => f.id));
    const alwaysBad = [
      ...new Set(
        this.repetitions.flatMap((rep) =>
          rep.filter((r) => r.outcome === "failed" || r.outcome === "xpass").map((r) => r.id),
        ),
      ),
    ].filter((id) => !flipped.has(id));
    const n = this.repetitions.length;
    if (flaky.length) {
      this.write(
        `\n${this.c.yellow(`flaky: ${flaky.length} of ${runs} runs changed verdict over ${n} repetitions`)}\n`,
      );
      const table = plainTable(["run", "outcome in each repetition"], this.c);
      for (const f of flaky)
        table.push([f.id, f.outcomes.map((o) => (o ? this.c[OUTCOME_COLOR[o]](CELL[o]) : "-")).join(" ")]);
      this.write(`${tableText(table)}\n`);
    }
    if (alwaysBad.length) this.write(`\n${this.c.red(`failed in every repetition: ${alwaysBad.join(", ")}`)}\n`);
    const verdict =
      flaky.length || alwaysBad.length
        ? `${flaky.length} flaky, ${alwaysBad.length} failed every time`
        : "every run kept its verdict";
    if (this.last) this.write(knownBugsText(this.last.knownBugs, this.last.kernels, this.c));
    this.write(`${n} repetition${n === 1 ? "" : "s"} of ${runs} run${runs === 1 ? "" : "s"}: ${verdict}\n`);
  }
}
