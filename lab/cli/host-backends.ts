/** The backends for the host's kernel, by name: what --backend accepts (kept apart from backends.ts, which loads them). */
export const HOST_BACKENDS = ["docker", "netns"] as const;
export type HostBackend = (typeof HOST_BACKENDS)[number];
