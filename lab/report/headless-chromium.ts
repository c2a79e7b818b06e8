/**
 * Renders a page in headless Chromium (Debian's `chromium`, installed by `bootstrap.sh report`): its DOM
 * as Chromium parsed it, or a screenshot. Used to check the HTML report and to picture it for the docs.
 *
 * Chromium leaves things about: a profile, a crash-report database under ~/.config (whatever
 * --user-data-dir says), dconf under ~/.cache, its singleton socket's folder in TMPDIR, and crashpad
 * handlers that leave its process group. So each call gets a temporary HOME (and TMPDIR), is bounded by a timeout, and afterwards its process group and any
 * process naming that HOME are killed by pid, and the HOME is removed.
 */
import { spawn } from "node:child_process";
import { systemEnv, systemTool } from "../system-tools";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabError } from "../errors";
import { debugLog } from "../debug-log";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-crash-reporter",
  "--disable-breakpad",
];

export class ChromiumError extends LabError {
  constructor(message: string) {
    super("REUSELAB_CHROMIUM", message);
    this.name = "ChromiumError";
  }
}

export interface ChromiumOptions {
  /** Killed after this long (default 30 s; Infinity: never). */
  timeoutMs?: number;
}

/** The page's DOM, serialised after load (`--dump-dom`). */
export async function dumpDom(file: string, opts: ChromiumOptions = {}): Promise<string> {
  return (await chromium(["--dump-dom", fileUrl(file)], opts)).stdout;
}

/** A PNG of the page's top `width`×`height` pixels. */
export async function screenshot(
  file: string,
  png: string,
  size: { width: number; height: number },
  opts: ChromiumOptions = {},
): Promise<void> {
  await chromium(
    [`--screenshot=${png}`, `--window-size=${size.width},${size.height}`, "--hide-scrollbars", fileUrl(file)],
    opts,
  );
}

function fileUrl(file: string): string {
  return `file://${file.split("/").map(encodeURIComponent).join("/")}`;
}

async function chromium(
  args: string[],
  { timeoutMs = 30_000 }: ChromiumOptions,
): Promise<{ stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), "reuselab-chromium-"));
  try {
    // TMPDIR too: Chromium puts its singleton socket in an org.chromium.Chromium.* folder there, and
    // leaves it behind.
    const env = systemEnv({ HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, TMPDIR: home });
    // Its own process group, so that the browser and its renderers can be killed together.
    const child = spawn(
      systemTool("chromium", "chromium"),
      [...FLAGS, `--user-data-dir=${join(home, "profile")}`, ...args],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid);
        }, timeoutMs)
      : undefined;
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    let code: number | null, signal: NodeJS.Signals | null;
    try {
      [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.on("error", (e: NodeJS.ErrnoException) =>
          reject(
            e.code === "ENOENT"
              ? new ChromiumError("no chromium on PATH: bash lab/bootstrap/bootstrap.sh report installs it")
              : e,
          ),
        );
        child.on("exit", (c, s) => resolve([c, s]));
      });
      // The browser is gone: what is left of its group and its crashpad handlers goes too, and then its
      // pipes close, with all it wrote.
      killGroup(child.pid);
      killNaming(home);
      await closed;
    } finally {
      clearTimeout(timer);
    }
    if (timedOut)
      throw new ChromiumError(`chromium did not finish in ${timeoutMs} ms (chromium ${args.join(" ")}); killed`);
    if (code !== 0)
      throw new ChromiumError(
        `chromium exited with ${signal ?? `code ${code}`} (chromium ${args.join(" ")}):\n${lastLines(stderr)}`,
      );
    return { stdout, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch (e) {
    debugLog("report/chromium-kill", e); // the group is gone already
  }
}

/** Processes whose command line names `home`: Chromium's crashpad handlers, which start their own session. */
function killNaming(home: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch (e) {
      debugLog("report/chromium-kill", e); // the process ended meanwhile
      continue;
    }
    if (!cmdline.includes(home)) continue;
    try {
      process.kill(Number(entry), "SIGKILL");
    } catch (e) {
      debugLog("report/chromium-kill", e); // exited meanwhile
    }
  }
}

/** Chromium is chatty (dbus, GPU): the last lines are the ones that say why it stopped. */
function lastLines(text: string, n = 15): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
