/**
 * What testcontainers' Ryuk is to containers, for a Lab's network namespaces: a watcher that deletes
 * them when this process goes away without stopping the lab (a test runner's timeout ends it, SIGKILL).
 * The probes need no watcher: they die with their parent (--pdeathsig). The namespaces would otherwise
 * wait for the next lab or run to remove them.
 *
 * The watcher is a shell whose stdin is a pipe from this process. End of file (this process ended, or
 * release() closed the pipe) makes it delete the namespaces whose names begin with the prefix, and
 * exit. It has a session of its own, so a terminal's Ctrl-C does not end it before it has done so.
 */
import { spawn } from "node:child_process";
import { LabError } from "../errors";
import { systemEnv, systemTool } from "../system-tools";
import { ignored } from "../debug-log";

export interface Reaper {
  /** Closes the pipe: the watcher deletes what is left (after a stop, nothing) and exits; resolves when it has. */
  release(): Promise<void>;
}

export function startReaper(prefix: string): Reaper {
  if (!/^rl-[A-Za-z0-9-]+$/.test(prefix))
    throw new LabError("REUSELAB_BAD_LAB", `'${prefix}' is not a lab namespace prefix`);
  const ip = systemTool("ip", "iproute2");
  // Reads until end of file, then deletes; ls, not `ip netns list` (see removeLeftoverNamespaces).
  const script = `cat >/dev/null; for n in $(ls /run/netns 2>/dev/null); do case "$n" in ${prefix}*) ${ip} netns del "$n" 2>/dev/null;; esac; done; true`;
  const child = spawn(systemTool("sh", "dash"), ["-c", script], {
    stdio: ["pipe", "ignore", "ignore"],
    env: systemEnv(),
    detached: true,
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.on("error", () => resolve());
  });
  child.stdin.on("error", ignored("api/namespace-reaper"));
  // Neither the watcher nor its pipe keeps this process alive: only the lab's own probes do.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    release: async () => {
      child.ref(); // its exit is now awaited: it must keep the event loop alive until it comes
      child.stdin.end();
      await exited;
    },
  };
}
