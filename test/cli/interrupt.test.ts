// No leaks when the runner is interrupted (SIGINT) or killed (SIGKILL) in the middle of a run.
import test, { type ExecutionContext } from "ava";
import { spawn, spawnSync } from "node:child_process";
import { containersStarted, labelled, switches } from "../e2e/helpers";

function startLab(args: string[]) {
  const since = Date.now() / 1000;
  const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  // "close", not "exit": exit can come before the last of its output has been read.
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, exited, since, output: () => out };
}

/** Waits until the runner has its lab's containers up (both actors and their holders): Docker says when. */
function waitForContainers(lab: ReturnType<typeof startLab>, want: number): Promise<void> {
  return containersStarted(`reuselab.pid=${lab.child.pid!}`, want, lab.since, lab.exited, lab.output);
}

test("Ctrl-C in the middle of a run: exit 130, the run is skipped, nothing is left", async (t) => {
  const lab = startLab(["--cases", "test/fixtures/slow"]);
  await waitForContainers(lab, 4);
  lab.child.kill("SIGINT");
  t.is(await lab.exited, 130);
  t.regex(lab.output(), /interrupted; removing the lab's containers, namespaces and guests/);
  t.regex(lab.output(), /SKIP {2}long-sleep\.default@host/);
  t.deepEqual(labelled(`reuselab.pid=${lab.child.pid}`), { containers: 0, networks: 0 });
  t.deepEqual(switches(lab.child.pid!), [], "its switch namespace is deleted too");
});

/**
 * Kills a runner in the middle of a run and starts the next one. Any runner that prepares in between
 * (another test file's) removes the killed one's objects too, and then the next run has nothing to say:
 * such a round proves nothing, so it is tried again.
 */
async function killThenRunNext(t: ExecutionContext): Promise<string | undefined> {
  const lab = startLab(["--cases", "test/fixtures/slow"]);
  const pid = lab.child.pid!;
  await waitForContainers(lab, 4);
  lab.child.kill("SIGKILL");
  await lab.exited;
  const left = labelled(`reuselab.pid=${pid}`);
  // As root a slot is a switch namespace, not a Docker network (switch-namespace.ts).
  t.true(left.containers >= 4 && left.networks === 0, JSON.stringify(left));
  t.is(switches(pid).length, 1, "the killed runner's switch namespace is left");
  const next = spawnSync(
    process.execPath,
    ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", "--cases", "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml"],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  t.is(next.status, 0, next.stderr);
  t.deepEqual(labelled(`reuselab.pid=${pid}`), { containers: 0, networks: 0 });
  t.deepEqual(switches(pid), []);
  return /removed \d+ containers and 1 network namespaces left by a killed earlier run/.exec(next.stdout)?.[0];
}

test("SIGKILL of the runner: the next run removes what it left, and says so", async (t) => {
  for (let round = 1; round <= 3; round++) {
    const said = await killThenRunNext(t);
    if (said) {
      t.pass(said);
      return;
    }
    t.log(`round ${round}: another runner removed the leftovers before the next run started`);
  }
  t.fail("in 3 rounds the next run never reported removing the killed run's leftovers");
});
