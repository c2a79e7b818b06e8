/**
 * A QEMU Machine Protocol client, just enough to save a guest (guest-snapshot.ts): one command at a
 * time, JSON lines over QEMU's -qmp socket; events are skipped. A command QEMU refuses rejects with
 * its words; a socket that closes first rejects every command under way.
 */
import { connect, type Socket } from "node:net";

type Reply = { return?: unknown; error?: { class: string; desc: string } };

export class Qmp {
  private buffer = "";
  private waiting?: { resolve: (r: Reply) => void; reject: (e: Error) => void };
  private closed?: Error;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => this.read(d));
    const gone = (e?: Error) => {
      this.closed ??= new Error(`QEMU's monitor closed${e ? `: ${e.message}` : ""}`);
      this.waiting?.reject(this.closed);
      this.waiting = undefined;
    };
    socket.on("error", gone);
    socket.on("close", () => gone());
  }

  /** Connects to QEMU's -qmp socket and leaves the greeting's capabilities negotiation done. */
  static async open(path: string): Promise<Qmp> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
    const qmp = new Qmp(socket);
    await qmp.execute("qmp_capabilities");
    return qmp;
  }

  /** Sends one command and waits for its reply: what it returned. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.waiting) return Promise.reject(new Error(`QMP ${command}: a command is still under way`));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    }).then((r) => {
      if (r.error) throw new Error(`QMP ${command}: ${r.error.desc} (${r.error.class})`);
      return r.return;
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private read(data: string): void {
    this.buffer += data;
    for (let nl; (nl = this.buffer.indexOf("\n")) >= 0;) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const message = JSON.parse(line) as Reply & { QMP?: unknown; event?: string };
      // The greeting and events are not replies; a reply is for the one command under way.
      if (message.QMP !== undefined || message.event !== undefined) continue;
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve(message);
    }
  }
}
