/**
 * The labs a backend has started and not yet disposed, the same on every backend: a lab that fails to
 * start is disposed before the error goes on, and after abort() nothing new is made (a lab started
 * then would outlive the removal).
 */
import { LabError } from "../errors";
import type { StartedLab } from "./backend";

export interface LiveLab extends StartedLab {
  start(): Promise<void>;
  /** Removes the lab now (Ctrl-C). */
  abort(): Promise<void>;
}

export class LiveLabs<L extends LiveLab> {
  private readonly live = new Set<L>();
  private aborted = false;

  /** Makes a lab (`forget` is for its dispose to call) and starts it. */
  async start(runId: string, make: (forget: () => void) => L): Promise<L> {
    if (this.aborted) throw new LabError("REUSELAB_INTERRUPTED", `${runId}: not started, the run was interrupted`);
    const lab: L = make(() => this.live.delete(lab));
    this.live.add(lab);
    try {
      await lab.start();
    } catch (e) {
      await lab[Symbol.asyncDispose]();
      throw e;
    }
    return lab;
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await Promise.all([...this.live].map((l) => l.abort()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.live].map((l) => l[Symbol.asyncDispose]()));
  }
}
