// A kernel's first boot saves its guest and later boots restore it (lab/backend/vm/guest-snapshot.ts):
// on a copy of the first kernel of images/kernels/kernels.yaml in a scratch folder, so that no other
// test's boot makes or takes its saved guest. Each restore reseeds the guest's random generator; a
// saved file that does not load is replaced by a boot; REUSELAB_GUEST_SNAPSHOTS=off boots every time.
import test from "ava";
import { cpSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GuestVm } from "../../lab/backend/vm/guest-vm";
import { removeStale, snapshotFile, snapshotsOn, SNAPSHOTS_ENV } from "../../lab/backend/vm/guest-snapshot";
import { readKernelsFile } from "../../lab/backend/vm/kernel-images";
import { prepareKernel } from "../../lab/backend/vm/kernel-source";
import { LabError } from "../../lab/errors";
import { scratch } from "../cli/helpers";

const snapshots = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("snapshot-"));

/** Boots (or restores) the guest of `dir`, and what it says: restored or not, a uuid from its generator. */
async function guestOf(dir: string): Promise<{ restored: boolean; uuid: string; echo: string }> {
  const vm = await GuestVm.boot("snapshot-test", dir);
  try {
    const uuid = (await vm.host.script("cat /proc/sys/kernel/random/uuid")).trim();
    const echo = (await vm.host.script("echo alive")).trim();
    return { restored: vm.restored, uuid, echo };
  } finally {
    await vm[Symbol.asyncDispose]();
  }
}

test.serial("the first boot saves the guest; each later one restores it, with random numbers of its own", async (t) => {
  const kernel = readKernelsFile()[0]!;
  const dir = join(scratch(), "kernel");
  t.teardown(() => rmSync(join(dir, ".."), { recursive: true, force: true }));
  cpSync((await prepareKernel(kernel)).dir, dir, { recursive: true });
  for (const n of snapshots(dir)) rmSync(join(dir, n));

  const first = await guestOf(dir);
  t.false(first.restored, "no saved guest yet: booted");
  t.is(first.echo, "alive");
  const saved = snapshots(dir);
  t.is(saved.length, 1, `one saved guest in ${dir}: ${saved.join(", ")}`);
  t.true(statSync(join(dir, saved[0]!)).size > 10 * 2 ** 20, "a whole guest's memory, not a stub");

  const second = await guestOf(dir);
  const third = await guestOf(dir);
  t.true(second.restored && third.restored, "restored from the saved guest");
  t.is(third.echo, "alive");
  // Without the host's reseed (images/probe/agent_seed.c) two restores of the same state drew the same
  // uuid here (6.1): the generator's state was the saved one's.
  t.not(second.uuid, third.uuid, "two restores of one saved guest draw different random numbers");
  t.not(second.uuid, first.uuid);
  t.deepEqual(snapshots(dir), saved, "restores leave the saved guest as it is");

  // A saved guest cut short: QEMU refuses it, the kernel is booted, and that boot saves it again.
  truncateSync(join(dir, saved[0]!), 4096);
  const afterBroken = await guestOf(dir);
  t.false(afterBroken.restored, "a saved guest that does not load: booted instead");
  t.is(afterBroken.echo, "alive");
  t.deepEqual(snapshots(dir), saved, "saved again under the same key");
  t.true(statSync(join(dir, saved[0]!)).size > 10 * 2 ** 20);
  t.true((await guestOf(dir)).restored, "and restored from it next time");

  // Off: booted, and nothing saved or removed.
  const before = statSync(join(dir, saved[0]!)).mtimeMs;
  process.env[SNAPSHOTS_ENV] = "off";
  try {
    t.false((await guestOf(dir)).restored, `${SNAPSHOTS_ENV}=off boots`);
  } finally {
    delete process.env[SNAPSHOTS_ENV];
  }
  t.is(statSync(join(dir, saved[0]!)).mtimeMs, before);
});

test("a saved guest's key: the same for another VM folder, another for a rebuilt initramfs or QEMU argument", (t) => {
  const dir = scratch();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const initrd = join(dir, "initramfs.cpio.gz");
  writeFileSync(initrd, "one");
  const args = (vm: string, m = "512") => ["-m", m, "-initrd", initrd, "-serial", `file:${vm}/console.log`];
  const key = (vm: string, m?: string) => snapshotFile(dir, process.execPath, args(vm, m), vm);
  t.is(key("/tmp/reuselab-vm-1-a"), key("/tmp/reuselab-vm-2-b"), "the VM's own folder is not part of it");
  t.not(key("/tmp/vm"), key("/tmp/vm", "1024"), "another argument, another key");
  const before = key("/tmp/vm");
  utimesSync(initrd, new Date(), new Date(Date.now() + 5000));
  t.not(key("/tmp/vm"), before, "a rebuilt initramfs, another key");
  t.regex(before, new RegExp(`^${dir}/snapshot-[0-9a-f]{16}\\.qemu$`));
});

test("REUSELAB_GUEST_SNAPSHOTS takes on or off, and says so otherwise", (t) => {
  const old = process.env[SNAPSHOTS_ENV];
  t.teardown(() => (old === undefined ? delete process.env[SNAPSHOTS_ENV] : (process.env[SNAPSHOTS_ENV] = old)));
  process.env[SNAPSHOTS_ENV] = "off";
  t.false(snapshotsOn());
  process.env[SNAPSHOTS_ENV] = "on";
  t.true(snapshotsOn());
  process.env[SNAPSHOTS_ENV] = "no";
  const e = t.throws(() => snapshotsOn(), { instanceOf: LabError });
  t.is(e?.message, "REUSELAB_GUEST_SNAPSHOTS=no: give on or off (on is the default)");
});

test("a partial save of a runner that is gone is removed at the next boot; another saved guest only by a save", (t) => {
  const dir = scratch();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dead = 4194304 + 7; // above pid_max's largest value: no process has it
  for (const n of [
    "snapshot-aaaa.qemu",
    `snapshot-bbbb.qemu.${dead}.partial`,
    `snapshot-cccc.qemu.${process.pid}.partial`,
  ])
    writeFileSync(join(dir, n), "x");
  removeStale(dir);
  t.deepEqual(snapshots(dir).sort(), ["snapshot-aaaa.qemu", `snapshot-cccc.qemu.${process.pid}.partial`]);
  writeFileSync(join(dir, "snapshot-dddd.qemu"), "x");
  removeStale(dir, "snapshot-dddd.qemu");
  t.deepEqual(snapshots(dir).sort(), [`snapshot-cccc.qemu.${process.pid}.partial`, "snapshot-dddd.qemu"]);
});
