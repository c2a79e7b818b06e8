/**
 * How an actor's process ended, the same on every backend: a signal by its name, and a shell's or the
 * probe init's exit status 128+N read as signal N (the init exits so when its worker dies of N).
 */
import { constants } from "node:os";
import type { ExitInfo } from "../steps/actor-runtime";

/** `status` null: the process is gone and how is not known (a guest's port closed under it). */
export function exitInfo(status: number | null, signal: string | null = null): ExitInfo {
  if (signal) return { code: null, signal };
  if (status !== null && status > 128) {
    const sig = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (sig) return { code: status, signal: sig };
  }
  return { code: status, signal: null };
}
