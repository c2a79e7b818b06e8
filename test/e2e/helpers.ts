import { existsSync, readdirSync } from "node:fs";
import type { ExecutionContext } from "ava";
import { spawn, spawnSync } from "node:child_process";
import { systemTool } from "../../lab/system-tools";
import type { RunResult, StepResult } from "../../lab/verdict/outcome";

/** The step of a run done by `actor` whose call starts with `call`; fails the test if there is none. */
export function step(
  t: ExecutionContext,
  run: RunResult | undefined,
  actor: string,
  call: string,
  nth = 0,
): StepResult {
  if (!run) {
    t.fail("no such run");
    throw new Error("no such run");
  }
  const found = run.steps.filter((s) => s.actor === actor && s.call.startsWith(call))[nth];
  if (!found) {
    t.fail(`${run.id}: no step '${actor}: ${call}'`);
    throw new Error("no such step");
  }
  return found;
}

/** Docker objects carrying a label filter, e.g. "reuselab.run" or "reuselab.run=<session>". */
export function labelled(label: string): { containers: number; networks: number } {
  const count = (args: string[]) =>
    spawnSync("docker", [...args, "-q", "--filter", `label=${label}`], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean).length;
  return { containers: count(["ps", "-a"]), networks: count(["network", "ls"]) };
}

/** The docker backend's switch namespaces of runner `pid` (lab/backend/docker/switch-namespace.ts), by name. */
export function switches(pid: number): string[] {
  const names = existsSync("/run/netns") ? readdirSync("/run/netns") : []; // none was ever named
  return names.filter((n) => n.startsWith(`rl-${pid}-sw`));
}

/**
 * Resolves once `want` containers carrying `label` have started, as Docker's own event stream tells
 * it. `since` (epoch seconds) is taken before whatever starts them, so no start is missed however late
 * the stream begins. Rejects if `ended` settles first (what should start them is gone), with `said()`.
 */
export function containersStarted(
  label: string,
  want: number,
  since: number,
  ended: Promise<unknown>,
  said: () => string,
): Promise<void> {
  const args = [
    "events",
    "--since",
    since.toFixed(3),
    "--filter",
    "type=container",
    "--filter",
    "event=start",
    "--filter",
    `label=${label}`,
    "--format",
    "{{.Actor.ID}}",
  ];
  const events = spawn(systemTool("docker", "docker.io"), args, { stdio: ["ignore", "pipe", "pipe"] });
  const started = new Set<string>();
  let stderr = "";
  return new Promise<void>((resolve, reject) => {
    events.stdout.setEncoding("utf8").on("data", (d: string) => {
      for (const id of d.split("\n").filter(Boolean)) started.add(id);
      if (started.size >= want) resolve();
    });
    events.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    events.on("close", (code) =>
      reject(new Error(`docker events ended (${code}) before ${want} containers labelled ${label} started: ${stderr}`)),
    );
    void ended.then(() =>
      reject(
        new Error(
          `it ended before ${want} containers labelled ${label} started (${started.size} did); it printed:\n${said()}`,
        ),
      ),
    );
  }).finally(() => events.kill());
}
