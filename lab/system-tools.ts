/**
 * System tools are the system's. Under `npm run`, PATH starts with node_modules/.bin, where an npm
 * package may carry a command named like a system tool (ava depends on @vercel/nft, whose command is
 * `nft`). Every tool the lab runs is looked up in the system's folders first, never in node_modules,
 * and every script it starts gets the same PATH (lab/bootstrap/system-path.sh does this for the
 * scripts started by hand). REUSELAB_SYSTEM_PATH replaces the system's folders (tests hide a tool so).
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { LabError } from "./errors";
import { debugLog } from "./debug-log";

const DEFAULT_SYSTEM_DIRS = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The folders searched, in order: the system's, then the caller's PATH without any node_modules folder. */
export function systemPath(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = (env.REUSELAB_SYSTEM_PATH || DEFAULT_SYSTEM_DIRS).split(delimiter).filter(Boolean);
  for (const d of (env.PATH ?? "").split(delimiter)) {
    if (d && !d.includes("node_modules") && !dirs.includes(d)) dirs.push(d);
  }
  return dirs.join(delimiter);
}

/** The environment for a child that runs system tools: this one's, with PATH as systemPath() makes it. */
export function systemEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, PATH: systemPath() };
}

/** The tool's absolute path on the system's PATH, or undefined. */
export function findSystemTool(name: string): string | undefined {
  for (const dir of systemPath().split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch (e) {
      // Not in this folder (ENOENT) is the answer; anything else (EACCES) is worth a line.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") debugLog("system-tools/find", e);
    }
  }
  return undefined;
}

/** The tool's absolute path; a LabError naming the Debian package when it is missing. */
export function systemTool(name: string, debianPackage: string): string {
  const found = findSystemTool(name);
  if (found) return found;
  throw new LabError(
    "REUSELAB_NO_TOOL",
    `${name} is not installed on this system (looked in ${systemPath()}): install it ('apt-get install ${debianPackage}', or run 'bash lab/bootstrap/bootstrap.sh' as root)`,
  );
}
