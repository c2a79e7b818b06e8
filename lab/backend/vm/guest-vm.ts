/**
 * A guest kernel under QEMU, started with the command line images/guest/boot.sh prints: software
 * emulation (TCG) unless KVM really works, no network device at all, a console log, and virtio-serial
 * ports on unix sockets: reuselab.ctl for the agent, reuselab.p0… for probes. Each VM lives in a
 * directory named after the runner's pid, so one a killed run left behind is found and stopped by the
 * next (removeLeftoverVms); QEMU is killed when its runner dies, and a guest also powers itself off
 * when its control socket closes.
 */
import { debugLog, ignored } from "../../debug-log";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { systemEnv, systemTool } from "../../system-tools";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LabError } from "../../errors";
import { runnerAlive } from "../../process-stat";
import { GuestControl } from "./guest-control";
import { GuestHost } from "./guest-host";
import {
  AGENT_STARTING,
  removeStale,
  RESTORING_ARGS,
  saveGuest,
  savingArgs,
  snapshotFile,
  snapshotsOn,
} from "./guest-snapshot";
import { PACKAGE_ROOT as REPO_ROOT } from "../../package-root";
import { cacheDir } from "./kernel-images";
import { MAX_IDLE_PROBES } from "../netns/netns-pool";

/**
 * A probe port per actor under way or idle: the pool's idle probes, and 22 for the runs under way (the
 * shipped catalogue's largest has 10 actors, and a guest runs 2 at once).
 */
const PROBE_PORTS = MAX_IDLE_PROBES + 22;
const BOOT_TIMEOUT_MS = Number(process.env.REUSELAB_BOOT_TIMEOUT_MS ?? 120_000);
const DIR_PREFIX = "reuselab-vm-";
const BOOT_SCRIPT = join(REPO_ROOT, "images/guest/boot.sh");

export class GuestVm implements AsyncDisposable {
  private constructor(
    readonly image: { id: string; release: string },
    readonly host: GuestHost,
    readonly bootMs: number,
    /** Restored from the kernel's saved guest rather than booted (guest-snapshot.ts). */
    readonly restored: boolean,
    private readonly qemu: ChildProcess,
    /** Its directory (tmpdir()/reuselab-vm-<runner pid>-…): console log, sockets, QEMU's pid file. */
    readonly dir: string,
    private readonly sockets: Socket[],
  ) {}

  /**
   * Boots kernel `id` (its folder: kernel-source.ts) with the command line images/guest/boot.sh gives
   * (it builds the initramfs and picks the accelerator: one place knows how to boot a guest).
   */
  static async boot(id: string, kernelDir: string, timeoutMs = BOOT_TIMEOUT_MS): Promise<GuestVm> {
    // An absolute folder: the saved guest's key has the command line, which names it.
    const folder = resolve(kernelDir);
    try {
      return await GuestVm.start(id, folder, timeoutMs, snapshotsOn());
    } catch (e) {
      // A saved guest that does not come back (QEMU refused the file, or the agent never said READY)
      // is removed, and the kernel booted: that boot saves it again.
      if (!(e instanceof RestoreFailed)) throw e;
      rmSync(e.file, { force: true });
      debugLog("vm/restore-failed", e.cause);
      return GuestVm.start(id, folder, timeoutMs, true);
    }
  }

  private static async start(id: string, kernelDir: string, timeoutMs: number, snapshots: boolean): Promise<GuestVm> {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
    const ports = Array.from({ length: PROBE_PORTS }, (_, i) => `reuselab.p${i}`);
    const printed = spawnSync(
      systemTool("bash", "bash"),
      [BOOT_SCRIPT, "--print", kernelDir, dir, String(PROBE_PORTS)],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: systemEnv({ REUSELAB_CACHE: cacheDir() }) },
    );
    if (printed.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new LabError(
        "REUSELAB_GUEST_BOOT",
        `preparing guest kernel ${id} failed: bash images/guest/boot.sh --print ${kernelDir} exited with ${printed.status ?? printed.error?.message} (its message is above)`,
      );
    }
    const [command, ...args] = printed.stdout.split("\n").filter(Boolean);
    if (snapshots) removeStale(kernelDir);
    const snapshot = snapshots ? snapshotFile(kernelDir, command!, args, dir) : undefined;
    const restoring = snapshot ? openIfThere(snapshot) : undefined;
    if (restoring !== undefined) args.push(...RESTORING_ARGS);
    else if (snapshot) args.push(...savingArgs(join(dir, "qmp.sock")));
    args.push("-pidfile", join(dir, "qemu.pid"));
    // QEMU dies with its runner (setpriv --pdeathsig): a runner killed with SIGKILL (the OOM killer) can
    // stop nothing, and a guest whose host went away mid-boot waits for it for ever (PROTOCOL.md). Its
    // own session keeps a terminal's Ctrl-C off it: the runner stops the labs in it first, then QEMU.
    const qemuStarted = Date.now();
    const qemu = spawn(systemTool("setpriv", "util-linux"), ["--pdeathsig", "KILL", "--", command!, ...args], {
      stdio: ["ignore", "ignore", "pipe", ...(restoring === undefined ? [] : [restoring])],
      detached: true,
    });
    if (restoring !== undefined) closeSync(restoring);
    let stderr = "";
    let kvmBroken!: () => void;
    const brokenKvm = new Promise<void>((r) => (kvmBroken = r));
    qemu.stderr!.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
      if (/KVM internal error|failed to initialize kvm/i.test(stderr)) kvmBroken();
    });
    const ended = new Promise<number | null>((r) => qemu.on("exit", (code) => r(code)));
    const qemuState = () =>
      qemu.exitCode !== null || qemu.signalCode !== null
        ? `QEMU had exited (${qemu.signalCode ?? `status ${qemu.exitCode}`})${stderr ? `: ${stderr.trim()}` : ""}\n`
        : "";
    // The watchers below decide the boot until READY and never after: a stray boot timer once killed
    // running guests 120 s after they booted, and QEMU's exit at dispose is not a failed boot.
    let booted = false;
    const fail = (why: string): never => {
      if (booted) return undefined as never;
      qemu.kill("SIGKILL");
      const console = tail(join(dir, "console.log"));
      rmSync(dir, { recursive: true, force: true });
      if (restoring !== undefined)
        throw new RestoreFailed(snapshot!, `${why}${stderr ? `\nqemu: ${stderr.trim()}` : ""}`);
      throw new LabError(
        "REUSELAB_GUEST_BOOT",
        `guest kernel ${id}: ${why}${stderr ? `\nqemu: ${stderr.trim()}` : ""}${console ? `\nits console ended with:\n${console}` : ""}`,
      );
    };

    const sockets: Socket[] = [];
    const giveUp = new AbortController();
    try {
      // A first boot is saved at the end of /init, before any host has spoken to it (guest-snapshot.ts).
      if (snapshot && restoring === undefined && (await consoleSays(join(dir, "console.log"), ended, timeoutMs)))
        await saveGuest(join(dir, "qmp.sock"), snapshot).catch(ignored("vm/save-guest"));
      const ctl = await connectWhenThere(join(dir, "ctl.sock"), ended, timeoutMs);
      sockets.push(ctl);
      const control = new GuestControl(
        ctl,
        `guest ${id}`,
        () => `${qemuState()}${keepConsole(id, join(dir, "console.log"))}`,
      );
      const release = await Promise.race([
        control.ready,
        ended.then((code) => fail(`QEMU exited (status ${code}) before the guest agent was ready`)),
        brokenKvm.then(() => fail("KVM does not work on this machine; run with REUSELAB_ACCEL=tcg")),
        // From QEMU's start: the save of a first boot is part of its boot.
        sleep(Math.max(0, qemuStarted + timeoutMs - Date.now()), undefined, { signal: giveUp.signal }).then(() =>
          fail(`the guest agent was not ready after ${timeoutMs} ms`),
        ),
      ]);
      // A restored guest's generator is reseeded from here first: else every restore of the file
      // draws the same numbers (images/probe/agent_seed.c).
      if (restoring !== undefined) {
        const seeded = await control.request(`seed ${randomBytes(64).toString("hex")}`);
        if (seeded.status !== 0) fail(`its random generator could not be reseeded: ${seeded.output.trim()}`);
      }
      booted = true;
      giveUp.abort();
      // The probe ports are connected after READY: a device announces "host connected" on a control
      // queue of 32 buffers that overflows while the guest boots (images/guest/boot.sh); late, the news
      // arrives once per port, to a guest that is ready for it.
      const portSockets = new Map<string, Socket>();
      for (const [i, name] of ports.entries()) {
        const s = await connectWhenThere(join(dir, `p${i}.sock`), ended, timeoutMs);
        sockets.push(s);
        portSockets.set(name, s);
      }
      return new GuestVm(
        { id, release },
        new GuestHost(release, control, portSockets),
        Date.now() - started,
        restoring !== undefined,
        qemu,
        dir,
        sockets,
      );
    } catch (e) {
      giveUp.abort();
      for (const s of sockets) s.destroy();
      if (e instanceof LabError || e instanceof RestoreFailed) throw e;
      booted = false;
      return fail((e as Error).message);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const gone = new Promise((r) => this.qemu.once("exit", r));
    this.qemu.kill("SIGKILL");
    await Promise.race([gone, sleep(5000)]);
    // REUSELAB_KEEP_VM=1 keeps the directory (console.log, sockets) to look into a guest afterwards.
    if (process.env.REUSELAB_KEEP_VM !== "1") rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Stops the VMs of earlier runs whose runner is gone; returns how many. */
export function removeLeftoverVms(): number {
  let removed = 0;
  for (const name of readdirSync(tmpdir())) {
    const runner = new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!runner || runnerAlive(Number(runner), undefined)) continue;
    const dir = join(tmpdir(), name);
    const pid = Number(readIfThere(join(dir, "qemu.pid")));
    if (pid > 0 && isGuestQemu(pid, dir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch (e) {
        ignored("vm/leftover-gone")(e); // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * Whether process `pid` is still the QEMU of the guest in `dir`. A pid file outlives its process, and
 * the pid is reused: by now it may name any process (an unrelated `sleep` was once killed so). The
 * QEMU of that guest, and no other process, runs a qemu-system binary with that directory's sockets in
 * its arguments.
 */
function isGuestQemu(pid: number, dir: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch (e) {
    ignored("vm/leftover-cmdline")(e);
    return false; // no such process (or no /proc: then nothing is known, and nothing is killed)
  }
  return /^qemu-system-/.test(basename(argv[0] ?? "")) && argv.some((a) => a.includes(`${dir}/`));
}

/**
 * Asks `attempt` again each 20 ms until it answers (not undefined): its answer, or why there is none
 * ("gone": QEMU ended; "late": `timeoutMs` ran out).
 */
async function whileQemuRuns<T>(
  ended: Promise<unknown>,
  timeoutMs: number,
  attempt: () => T | undefined | Promise<T | undefined>,
): Promise<{ answer: T } | { none: "gone" | "late" }> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void ended.then(() => (gone = true));
  for (;;) {
    if (gone) return { none: "gone" };
    if (Date.now() > deadline) return { none: "late" };
    const answer = await attempt();
    if (answer !== undefined) return { answer };
    await sleep(20);
  }
}

async function connectWhenThere(path: string, ended: Promise<unknown>, timeoutMs: number): Promise<Socket> {
  const r = await whileQemuRuns(ended, timeoutMs, () =>
    // QEMU binds the socket (the file appears) and then listens: a connect in between is refused.
    existsSync(path)
      ? new Promise<Socket | undefined>((resolve, reject) => {
          const s = connect(path);
          s.once("connect", () => resolve(s));
          s.once("error", (e: NodeJS.ErrnoException) =>
            e.code === "ECONNREFUSED" ? (s.destroy(), resolve(undefined)) : reject(e),
          );
        })
      : undefined,
  );
  if ("answer" in r) return r.answer;
  throw new Error(
    r.none === "gone" ? "QEMU exited before it opened its sockets" : `QEMU did not listen on ${path} in time`,
  );
}

/** A read-only descriptor of `path`, or undefined when there is no such file. */
function openIfThere(path: string): number | undefined {
  try {
    return openSync(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") debugLog("vm/open-snapshot", e);
    return undefined;
  }
}

/**
 * Waits for /init's last line before the agent (AGENT_STARTING) on the guest's console, read again
 * each 20 ms; false when QEMU ended or the boot's time ran out first (the boot then fails as usual).
 */
async function consoleSays(path: string, ended: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const r = await whileQemuRuns(ended, timeoutMs, () =>
    readIfThere(path).includes(AGENT_STARTING) ? true : undefined,
  );
  return "answer" in r;
}

/** A restore from the kernel's saved guest that did not bring it up: the saved file is to go. */
class RestoreFailed extends Error {
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`restoring ${file} failed`, { cause: why });
  }
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    ignored("vm/read-if-there")(e);
    return "";
  }
}

/** Copies a guest's console log out of its directory (which goes with the VM); says where, and how it ends. */
function keepConsole(id: string, path: string): string {
  const logs = join(cacheDir(), "logs");
  mkdirSync(logs, { recursive: true });
  const kept = join(logs, `guest-${id}-${new Date().toISOString().replace(/[:.]/g, "-")}.log`);
  try {
    copyFileSync(path, kept);
  } catch (e) {
    return `(no console log: ${(e as Error).message})`;
  }
  return `${tail(path) || "(nothing)"}\n(the whole console: ${kept})`;
}

function tail(path: string): string {
  return readIfThere(path).split("\n").slice(-15).join("\n");
}
