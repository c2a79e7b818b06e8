import { availableParallelism } from "node:os";

/** The backends for the host's kernel, by name: what --backend accepts (kept apart from lab/run/kernel-backends.ts, which loads them). */
export const HOST_BACKENDS = ["docker", "netns"] as const;
export type HostBackend = (typeof HOST_BACKENDS)[number];

/** One guest per core: under software emulation each guest keeps one core busy. */
export function defaultGuests(): number {
  return Math.max(1, availableParallelism());
}
