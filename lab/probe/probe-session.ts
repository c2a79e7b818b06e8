import type { Readable, Writable } from "node:stream";
import { LabError } from "../errors";
import { encodeCommand, parseReply, type ProbeReply } from "./protocol";
import { ignored } from "../debug-log";

interface Pending {
  seq: number;
  words: readonly string[];
  resolve: (r: ProbeReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The engine's side of one probe: commands go out one line each, replies come back in order.
 * When the probe's output ends (it exited, or was killed), every pending call is rejected.
 */
/**
 * How long a probe may take to answer a call that has no time of its own (hello, socket, bind…), and
 * the slack on top of a call's own duration. It only catches a probe that hangs: a guest under software
 * emulation on a loaded 2-core machine has taken over 10 s to answer a hello, so the bound is generous.
 * REUSELAB_PROBE_ANSWER_MS changes it.
 */
export const ANSWER_MS = Number(process.env.REUSELAB_PROBE_ANSWER_MS) || 60_000;

export class ProbeSession {
  private buffered = "";
  private readonly pending = new Map<number, Pending>();
  /** The probe numbers every line it reads; so does this side, to pair each reply with its call. */
  private sent = 0;
  private ended = false;
  private stderrTail = "";
  /** Resolves when the probe's stdout ends. */
  readonly closed: Promise<void>;

  constructor(
    /** Names the actor in messages; a recycled container serves other actors later. */
    public label: string,
    private readonly input: Writable,
    output: Readable,
    stderr?: Readable,
  ) {
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => this.take(chunk));
    this.closed = new Promise((resolve) => {
      const end = () => {
        if (this.ended) return;
        this.ended = true;
        this.failAll(new LabError("REUSELAB_ACTOR_EXITED", `${this.label}: the probe exited${this.stderrNote()}`));
        resolve();
      };
      output.on("end", end);
      output.on("close", end);
      output.on("error", end);
    });
    stderr?.setEncoding("utf8");
    stderr?.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    input.on("error", ignored("probe/stdin")); // a write to a dead probe surfaces as ACTOR_EXITED instead
  }

  get isClosed(): boolean {
    return this.ended;
  }

  call(words: readonly string[], timeoutMs = ANSWER_MS): Promise<ProbeReply> {
    if (this.ended) {
      return Promise.reject(
        new LabError("REUSELAB_ACTOR_EXITED", `${this.label}: cannot run '${words.join(" ")}', the probe has exited`),
      );
    }
    const line = encodeCommand(words);
    const seq = ++this.sent;
    return new Promise<ProbeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(
          new LabError("REUSELAB_TIMEOUT", `${this.label}: '${words.join(" ")}' got no answer after ${timeoutMs}ms`),
        );
      }, timeoutMs);
      this.pending.set(seq, { seq, words, resolve, reject, timer });
      this.input.write(line);
    });
  }

  /**
   * A container's probe starts over: its worker exits with every socket it holds, and the container's
   * init forks a new one (cpu and sockets as at the container's start) that numbers lines from 1, as
   * the same uid or as `uid` (which only an init started as `probe init-as` does). Resolves with the
   * new worker's hello, so the old one is gone when it does.
   */
  async recycle(timeoutMs: number, uid?: number): Promise<ProbeReply> {
    const r = await this.call(uid === undefined ? ["recycle"] : ["recycle", String(uid)], timeoutMs);
    if (r.ret !== 0)
      throw new LabError("REUSELAB_PROBE_PROTOCOL", `${this.label}: recycle failed: ${String(r.error ?? r.errno)}`);
    this.sent = 0;
    this.stderrTail = "";
    return this.call(["hello"], timeoutMs);
  }

  /** Ends the probe's stdin: the probe reads EOF and exits. */
  close(): void {
    this.input.end();
  }

  /** Sends a command that gets no answer (crash, exit). */
  fire(words: readonly string[]): void {
    if (this.ended) return;
    this.sent++;
    this.input.write(encodeCommand(words));
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim() === "") continue;
      let reply: ProbeReply;
      try {
        reply = parseReply(line);
      } catch (e) {
        this.failAll(e as Error); // the stream can no longer be trusted
        continue;
      }
      const waiting = this.pending.get(reply.seq);
      if (!waiting) continue; // a reply nobody waits for any more: its call timed out
      this.pending.delete(reply.seq);
      clearTimeout(waiting.timer);
      waiting.resolve(reply);
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  private stderrNote(): string {
    const tail = this.stderrTail.trim();
    return tail ? ` (its stderr: ${tail.slice(-300)})` : "";
  }
}
