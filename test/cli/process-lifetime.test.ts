// The runner lives no longer than what started it: `npm run lab` ended by a signal to npm's process
// alone (what many CI runners send) stops the node runner as SIGTERM would: it cleans up and exits,
// and nothing of its lab is left.
import test from "ava";
import { spawn } from "node:child_process";
import { readdirSync, watch } from "node:fs";
import { procStat, runnerAlive } from "../../lab/process-stat";

/** Whether `pid` descends from `ancestor`. */
function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = procStat(pid)?.ppid; p !== undefined && p > 1; p = procStat(p)?.ppid) if (p === ancestor) return true;
  return false;
}

const namespacesOf = (pid: number) => readdirSync("/run/netns").filter((n) => n.startsWith(`rl-${pid}-`));

/**
 * Starts `npm run lab` on the slow fixture and resolves with the runner's pid when its lab's first
 * namespace appears: the run has started.
 */
async function npmRunLab() {
  const npm = spawn("npm", ["run", "lab", "--", "--backend", "netns", "--cases", "test/fixtures/slow"], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  let out = "";
  npm.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  npm.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  // Closed when every process holding npm's output has ended: npm, its sh and the runner.
  const closed = new Promise<void>((r) => npm.on("close", () => r()));
  let found!: (pid: number) => void;
  const runnerPid = new Promise<number>((r) => (found = r));
  const watcher = watch("/run/netns", (_event, name) => {
    const pid = Number(/^rl-(\d+)-/.exec(name ?? "")?.[1]);
    if (pid && descendsFrom(pid, npm.pid!)) found(pid);
  });
  try {
    const runner = await Promise.race([runnerPid, closed.then(() => undefined)]);
    if (runner === undefined) throw new Error(`npm run lab ended before its lab started:\n${out}`);
    return { npm, runner, closed, output: () => out };
  } finally {
    watcher.close();
  }
}

for (const signal of ["SIGTERM", "SIGKILL"] as const) {
  test.serial(
    `${signal} to npm's process alone: the runner stops as on SIGTERM, skips the run, leaves no namespace`,
    async (t) => {
      const lab = await npmRunLab();
      // SIGTERM: npm passes it to its sh -c, which ends; SIGKILL: the sh -c stays, npm above it is gone.
      lab.npm.kill(signal);
      await lab.closed;
      t.false(runnerAlive(lab.runner, undefined), "the runner has ended");
      const out = lab.output();
      // Whichever ended first: npm, or the sh -c it ran the script with.
      t.regex(out, /reuselab: the process that started this one has ended \(pid \d+: (npm run lab|sh -c node) /, out);
      t.regex(out, /interrupted; removing the lab's containers, namespaces and guests/, out);
      t.regex(out, /^ {2}SKIP {2}long-sleep\.default@host .*\n\s+interrupted before it finished$/m, out);
      t.notRegex(out, /^ {2}PASS /m, out);
      t.deepEqual(namespacesOf(lab.runner), []);
    },
  );
}
