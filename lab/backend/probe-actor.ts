import { LabError } from "../errors";
import type { ProbeSession } from "../probe/probe-session";
import type { ActorRuntime, ExitInfo } from "../steps/actor-runtime";
import type { Host } from "../steps/grammar";

/** An actor driven through its probe session, on any backend; how its process ends is the backend's business. */
export class ProbeActor implements ActorRuntime {
  constructor(
    readonly name: string,
    private readonly session: ProbeSession,
    private readonly exited: () => Promise<ExitInfo>,
    readonly resolve: (h: Host) => string,
  ) {}

  call(words: readonly string[], timeoutMs?: number) {
    return this.session.call(words, timeoutMs);
  }

  fire(words: readonly string[]): void {
    this.session.fire(words);
  }

  async awaitExit(timeoutMs: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LabError("REUSELAB_TIMEOUT", `${this.name} did not exit within ${timeoutMs}ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.session.close();
  }
}
