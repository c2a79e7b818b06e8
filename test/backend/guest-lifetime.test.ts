// A guest lives no longer than its runner: SIGKILL of the runner alone (what the OOM killer does) ends
// its QEMU too, and the guest's folder goes with the next run or clean. The runner is killed while the
// guest boots: a guest whose host went away then waits for ever to say READY, so nothing but the
// runner's death can end its QEMU. The runner has a temp folder of its own: another lab's clean (or vm
// run) would otherwise find the guest folder of a killed runner and stop its QEMU itself.
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { lab, scratch } from "../cli/helpers";
import { runnerAlive } from "../../lab/process-stat";

/** The pid QEMU wrote into a guest folder of runner `runner` in `tmp`, once it has; undefined while there is none. */
function guestOf(tmp: string, runner: number): { dir: string; qemu: number } | undefined {
  for (const name of readdirSync(tmp).filter((n) => n.startsWith(`reuselab-vm-${runner}-`))) {
    const dir = join(tmp, name);
    const pid = Number(existsSync(join(dir, "qemu.pid")) ? readFileSync(join(dir, "qemu.pid"), "utf8").trim() : "");
    if (pid > 0) return { dir, qemu: pid };
  }
  return undefined;
}

test("SIGKILL of the runner while its guest boots: QEMU ends too, and clean removes the guest's folder", async (t) => {
  const tmp = scratch();
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const runner = spawn(
    process.execPath,
    [
      "-r",
      "./lab/dev/ts-cache.cjs",
      "lab/cli/main.ts",
      "--kernels",
      "6.1",
      "--backend",
      "netns",
      "--cases",
      "test/fixtures/slow",
    ],
    {
      env: { ...process.env, NO_COLOR: "1", TMPDIR: tmp },
    },
  );
  let out = "";
  runner.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  runner.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<void>((r) => runner.on("exit", () => r()));
  let ended = false;
  void exited.then(() => (ended = true));

  // The signal: QEMU has written its pid file.
  let guest: ReturnType<typeof guestOf>;
  while (!(guest = guestOf(tmp, runner.pid!))) {
    if (ended) return t.fail(`the runner ended before its guest's QEMU started:\n${out}`);
    await sleep(50);
  }
  t.teardown(() => {
    if (runnerAlive(guest.qemu, undefined) && readFileSync(`/proc/${guest.qemu}/cmdline`, "utf8").includes(guest.dir))
      process.kill(guest.qemu, "SIGKILL");
  });
  t.regex(
    readFileSync(`/proc/${guest.qemu}/cmdline`, "utf8"),
    /^[^\0]*qemu-system-x86_64\0/,
    "the pid file names QEMU",
  );
  runner.kill("SIGKILL");
  await exited;

  // Until QEMU is gone: the test's own timeout (ava's, 10 min) is the only bound.
  while (runnerAlive(guest.qemu, undefined)) await sleep(100);
  t.pass(`QEMU ${guest.qemu} ended with its runner`);

  const clean = lab(["clean"], { TMPDIR: tmp });
  t.is(clean.code, 0, clean.err);
  t.false(existsSync(guest.dir), `${guest.dir} after clean:\n${clean.out}`);
});
