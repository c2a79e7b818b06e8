// A killed run's guest folder (reuselab-vm-<runner pid>-…) names its QEMU in qemu.pid. By the time the
// folder is found, that pid may belong to any process: only the guest's own QEMU is killed.
import test from "ava";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeLeftoverVms } from "../../lab/backend/vm/guest-vm";

/** A folder as a runner that has ended left it, its qemu.pid naming `pid`. */
function staleGuestFolder(pid: number): string {
  const deadRunner = spawnSync("true").pid!;
  const dir = mkdtempSync(join(tmpdir(), `reuselab-vm-${deadRunner}-`));
  writeFileSync(join(dir, "qemu.pid"), `${pid}\n`);
  return dir;
}

function ended(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
}

test("a stale qemu.pid that now names an unrelated process: the folder goes, the process lives", async (t) => {
  const sleeper = spawn("sleep", ["1000"], { stdio: "ignore" });
  const gone = ended(sleeper);
  const dir = staleGuestFolder(sleeper.pid!);
  t.teardown(() => (sleeper.kill("SIGKILL"), rmSync(dir, { recursive: true, force: true })));

  removeLeftoverVms();
  t.false(existsSync(dir), "the killed run's guest folder");
  // Still running: a signal can be sent to it, and it has not exited.
  t.notThrows(() => process.kill(sleeper.pid!, 0));
  t.is(sleeper.exitCode, null);
  t.is(sleeper.signalCode, null);
  sleeper.kill("SIGTERM");
  t.is(await gone, "SIGTERM", "the sleep ended by this test's SIGTERM, not by a SIGKILL of the leftover removal");
});

test("the guest's own QEMU, still running after its runner was killed, is stopped with its folder", async (t) => {
  const dir = staleGuestFolder(0);
  // A stand-in QEMU: named qemu-system-x86_64, its sockets in that folder, as images/guest/boot.sh starts it.
  const qemu = spawn(
    process.execPath,
    [
      "-e",
      "setInterval(() => undefined, 1e6)",
      "--",
      "-chardev",
      `socket,id=ctl,path=${dir}/ctl.sock,server=on,wait=off`,
    ],
    {
      argv0: "qemu-system-x86_64",
      stdio: "ignore",
    },
  );
  const gone = ended(qemu);
  t.teardown(() => (qemu.kill("SIGKILL"), rmSync(dir, { recursive: true, force: true })));
  writeFileSync(join(dir, "qemu.pid"), `${qemu.pid}\n`);

  removeLeftoverVms();
  t.is(await gone, "SIGKILL");
  t.false(existsSync(dir));
});
