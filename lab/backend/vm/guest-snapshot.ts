/**
 * A booted guest, saved once and restored instead of booted: under TCG a boot costs 3–6 s of a core,
 * a restore of the saved state well under one. The first boot of a kernel saves its guest at the end
 * of /init, when the agent is about to say READY to a host that has not connected yet (so the guest
 * has never seen a host: every restore meets its host as a booted guest does). The state goes to the
 * kernel's folder under a key of everything that shapes it: the QEMU binary, the host's CPU, QEMU's
 * whole command line (the VM's own directory left out), the kernel and the initramfs (rebuilt when
 * the probe or /init changes). Another key is another file; a file that does not load is removed and
 * the kernel booted.
 *
 * A restored guest's generator starts where the saved one stood: two restores of one file drew the
 * same uuid on 6.1 until the host reseeded it (the agent's `seed`, which guest-vm.ts sends first). What
 * the kernel drew before the save (at boot: the first namespace's hash mix, for one) is the saved
 * guest's in every restore; what the runs depend on is drawn after the reseed: each lab namespace's
 * hash mix when it is made, the hash and port secrets (net_get_random_once) at the first packet or
 * connect, which no guest makes before the save (test/backend/guest-snapshot.test.ts checks that two
 * restores draw differently).
 * REUSELAB_GUEST_SNAPSHOTS=off boots every guest.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ignored } from "../../debug-log";
import { LabError } from "../../errors";
import { runnerAlive } from "../../process-stat";
import { shellQuote } from "../netns/netns-host";
import { Qmp } from "./qmp";

export const SNAPSHOTS_ENV = "REUSELAB_GUEST_SNAPSHOTS";
/** The line /init prints just before it starts the agent (images/guest/init). */
export const AGENT_STARTING = "reuselab init: starting the agent";

export function snapshotsOn(): boolean {
  const v = process.env[SNAPSHOTS_ENV];
  if (v === undefined || v === "" || v === "on") return true;
  if (v === "off") return false;
  throw new LabError("REUSELAB_BAD_ARGS", `${SNAPSHOTS_ENV}=${v}: give on or off (on is the default)`);
}

/** The saved guest's file for this QEMU command line, in the kernel's folder (there or not yet). */
export function snapshotFile(kernelDir: string, command: string, args: readonly string[], vmDir: string): string {
  const h = createHash("sha256");
  const stamp = (path: string) => {
    const s = statSync(path);
    return `${path} ${s.size} ${s.mtimeMs} ${s.ino}\n`;
  };
  h.update(stamp(command));
  // Under KVM the guest runs on the host's own CPU model (-cpu host): a cache moved to another machine
  // is another key.
  h.update(`${cpuFlags()}\n`);
  for (const a of args) h.update(`${a.split(vmDir).join("<vm>")}\0`);
  for (const flag of ["-kernel", "-initrd"]) {
    const i = args.indexOf(flag);
    if (i >= 0 && args[i + 1]) h.update(stamp(args[i + 1]!));
  }
  return join(kernelDir, `snapshot-${h.digest("hex").slice(0, 16)}.qemu`);
}

/** The host CPU's model and flags, from /proc/cpuinfo (empty without it). */
function cpuFlags(): string {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    return [/^model name\s*:.*$/m, /^flags\s*:.*$/m].map((r) => r.exec(info)?.[0] ?? "").join("\n");
  } catch (e) {
    ignored("vm/cpuinfo")(e);
    return "";
  }
}

/** What a QEMU that will save its guest needs on its command line: a monitor, and a state that runs once loaded. */
export function savingArgs(qmpPath: string): string[] {
  return ["-qmp", `unix:${qmpPath},server=on,wait=off`, "-global", "migration.store-global-state=off"];
}

/** What a QEMU that restores the guest from file descriptor 3 needs on its command line. */
export const RESTORING_ARGS = ["-incoming", "fd:3"];

/**
 * Saves the running guest to `file` (written beside it, then renamed: a reader never sees half a
 * file) and lets it run on. Other keys' files of the folder go: they no longer match anything.
 */
export async function saveGuest(qmpPath: string, file: string): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  const qmp = await Qmp.open(qmpPath);
  try {
    await qmp.execute("stop");
    try {
      await qmp.execute("migrate", { uri: `exec:cat > ${shellQuote(partial)}` });
      for (;;) {
        const s = (await qmp.execute("query-migrate")) as { status?: string; "error-desc"?: string };
        if (s.status === "completed") break;
        if (s.status === "failed" || s.status === "cancelled")
          throw new Error(`saving the guest to ${partial} ${s.status}: ${s["error-desc"] ?? "QEMU gave no reason"}`);
        await sleep(20); // a status, asked again: the save of a stopped guest takes ~0.6 s here
      }
      renameSync(partial, file);
      removeStale(join(file, ".."), basename(file));
    } finally {
      rmSync(partial, { force: true });
      await qmp.execute("cont");
    }
  } finally {
    qmp.close();
  }
}

/**
 * The partial files of runners that are gone (killed while saving) from a kernel's folder; given the
 * name of the saved guest to keep, every other saved guest too (they match no command line now).
 */
export function removeStale(dir: string, keep?: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith("snapshot-") || name === keep) continue;
    const writer = /\.(\d+)\.partial$/.exec(name)?.[1];
    if (writer ? runnerAlive(Number(writer), undefined) : keep === undefined) continue;
    try {
      rmSync(join(dir, name), { force: true });
    } catch (e) {
      ignored("vm/old-snapshot")(e);
    }
  }
}
