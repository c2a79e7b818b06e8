import type { ProbeReply } from "../probe/protocol";
import type { Host } from "./grammar";

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** What a step may do with its actor while a case runs; a backend provides it. */
export interface ActorRuntime {
  readonly name: string;
  /** One probe command and its reply. */
  call(words: readonly string[], timeoutMs?: number): Promise<ProbeReply>;
  /** A probe command that gets no reply (crash). */
  fire(words: readonly string[]): void;
  /** Waits for the actor's process to end. */
  awaitExit(timeoutMs: number): Promise<ExitInfo>;
  /** The literal address for a Host: "$victim" becomes the victim's netns address in the lab. */
  resolve(host: Host): string;
}
