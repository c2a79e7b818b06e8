/**
 * The host's end of the guest agent's control channel (images/guest/PROTOCOL.md). The agent says
 * "READY <release>" once, then answers each "<id> <command line>" with "O <id> <line>"… and
 * "R <id> <status>"; a probe it started says "S <id> <pid>", and its end "X <port> <status>".
 */
import type { Duplex } from "node:stream";
import { LabError } from "../../errors";

interface Pending {
  output: string[];
  pid?: number;
  resolve: (r: { status: number; output: string; pid?: number }) => void;
  reject: (e: Error) => void;
}

export class GuestControl {
  private buffered = "";
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly exits = new Map<string, (status: number) => void>();
  private closedWith?: Error;
  readonly ready: Promise<string>;
  private markReady!: (release: string) => void;

  /**
   * `whyClosed` says what the guest printed last, for when the channel closes unexpectedly; `channel`
   * names the channel in that error (an agent on the host has no guest: host-agent.ts).
   */
  constructor(
    private readonly socket: Duplex,
    private readonly label: string,
    whyClosed: () => string = () => "",
    channel = "the guest's control channel",
  ) {
    this.ready = new Promise((r) => (this.markReady = r));
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => this.take(d));
    const closed = () => {
      const why = whyClosed();
      this.fail(
        new LabError(
          "REUSELAB_ACTOR_EXITED",
          `${label}: ${channel} closed${why ? `; its console ended with:\n${why}` : ""}`,
        ),
      );
    };
    socket.on("close", closed);
    socket.on("error", closed);
  }

  /** Runs one command line in the guest; resolves with its status and output. */
  request(line: string, timeoutMs = 30_000): Promise<{ status: number; output: string; pid?: number }> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (/[\r\n]/.test(line))
      return Promise.reject(
        new LabError(
          "REUSELAB_PROBE_PROTOCOL",
          `${this.label}: a request is one line, and this one has a line break: ${JSON.stringify(line.slice(0, 120))}`,
        ),
      );
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new LabError(
            "REUSELAB_TIMEOUT",
            `${this.label}: '${line.slice(0, 80)}' got no answer from the guest after ${timeoutMs}ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        output: [],
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.socket.write(`${id} ${line}\n`);
    });
  }

  /** Calls `onExit` once, when the probe on `port` ends. */
  onExit(port: string, onExit: (status: number) => void): void {
    this.exits.set(port, onExit);
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, "");
      this.buffered = this.buffered.slice(nl + 1);
      this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    const [kind, a = "", ...rest] = line.split(" ");
    if (kind === "READY") return this.markReady(a);
    if (kind === "X") {
      const cb = this.exits.get(a);
      this.exits.delete(a);
      return cb?.(Number(rest[0]));
    }
    const p = this.pending.get(Number(a));
    if (!p) return;
    if (kind === "O") p.output.push(rest.join(" "));
    else if (kind === "S") p.pid = Number(rest[0]);
    else if (kind === "R") {
      this.pending.delete(Number(a));
      p.resolve({
        status: Number(rest[0]),
        output: p.output.join("\n"),
        ...(p.pid !== undefined ? { pid: p.pid } : {}),
      });
    }
  }

  private fail(e: Error): void {
    this.closedWith ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const cb of this.exits.values()) cb(-1);
    this.exits.clear();
  }
}
