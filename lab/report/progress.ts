/**
 * The progress line at the bottom of a terminal while runs go: done/total, and the runs in flight
 * with their kernel and how long each has been going. Only ever made for a terminal (terminal.ts
 * canRedraw): a log gets the console's lines and nothing redrawn. The console reporter writes through
 * log(), so its lines land above the progress line instead of through it.
 */
import { MultiBar, type Options, type Params, type SingleBar } from "cli-progress";
import type { LabEvent, Reporter } from "../events/events";

const REDRAWS_PER_SECOND = 4;

export class ProgressLine implements Reporter {
  private bars?: MultiBar;
  private bar?: SingleBar;
  /** Run id -> when it started. */
  private readonly running = new Map<string, number>();
  private sessionStart = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  /** Writes text above the progress line (or straight out when no line is shown). */
  log(text: string): void {
    if (this.bars) this.bars.log(text);
    else this.stream.write(text);
  }

  onEvent(e: LabEvent): void {
    switch (e.type) {
      case "session-started":
        this.stop();
        this.running.clear();
        this.sessionStart = Date.now();
        this.bars = new MultiBar({
          stream: this.stream,
          fps: REDRAWS_PER_SECOND,
          // Elapsed times change even when no run ends.
          forceRedraw: true,
          clearOnComplete: true,
          linewrap: false,
          format: (_o: Options, p: Params) => this.line(p.value, p.total),
        });
        this.bar = this.bars.create(e.runs.length, 0);
        return;
      case "run-started":
        this.running.set(e.run.id, Date.now());
        return;
      case "run-finished":
        this.running.delete(e.run.id);
        this.bar?.increment();
        return;
      case "session-finished":
        return this.stop();
      default:
        return;
    }
  }

  async close(): Promise<void> {
    this.stop();
  }

  /** "12/67 runs 8 s │ hijack/udp-….attacker-reuseaddr@host 1.2 s, …", cut to the terminal's width. */
  private line(done: number, total: number): string {
    const now = Date.now();
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const inFlight = [...this.running].map(([id, since]) => `${id} ${seconds(now - since)}`).join(", ");
    const text = `${done}/${total} runs ${seconds(now - this.sessionStart)}${inFlight ? ` | ${inFlight}` : ""}`;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  /** Flushes the lines logged since the last redraw, then takes the progress line away. */
  private stop(): void {
    if (!this.bars) return;
    this.bars.update();
    this.bars.stop();
    this.bars = undefined;
    this.bar = undefined;
  }
}
