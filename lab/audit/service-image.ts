/**
 * The service image, made without any registry: images/services/build-rootfs.sh debootstraps a
 * Debian bookworm root with the audit's packages and imports it with 'docker import'. The tag is a
 * hash of the package list and of the script, so the image is built once and rebuilt only when either
 * changes. A failed build throws with the end of its log; the script removes its temporary root on
 * every exit, and the abort signal (Ctrl-C) stops it with SIGTERM, which it traps.
 */
import type Docker from "dockerode";
import { systemEnv, systemTool } from "../system-tools";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT as REPO_ROOT } from "../package-root";
import { LabError } from "../errors";
import { ignored } from "../debug-log";

const SCRIPT = join(REPO_ROOT, "images/services/build-rootfs.sh");
const BUILD_LIMIT_MS = 15 * 60_000;

export function serviceImageTag(packages: readonly string[]): string {
  const list = [...new Set(packages)].sort().join(" ");
  const hash = createHash("sha256").update(list).update("\0").update(readFileSync(SCRIPT)).digest("hex").slice(0, 16);
  return `reuselab-service:${hash}`;
}

/** Builds under way in this process: two audits of one package list wait for the same build. */
const building = new Map<string, Promise<void>>();

/** The image's tag; onBuild is told when it has to be built (not when the engine has it already). */
export async function ensureServiceImage(
  docker: Docker,
  packages: readonly string[],
  signal?: AbortSignal,
  onBuild?: (tag: string) => void,
): Promise<string> {
  const tag = serviceImageTag(packages);
  if (
    await docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        (e: unknown) => ignored("audit/image-inspect")(e) ?? false,
      )
  )
    return tag;
  let build = building.get(tag);
  if (!build) {
    onBuild?.(tag);
    build = runBuild(tag, [...new Set(packages)].sort(), signal).finally(() => building.delete(tag));
    building.set(tag, build);
  }
  await build;
  if (
    !(await docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        (e: unknown) => ignored("audit/image-inspect")(e) ?? false,
      ))
  ) {
    throw new LabError(
      "REUSELAB_PROBE_BUILD",
      `building the service image reported success but ${tag} is not on the engine`,
    );
  }
  return tag;
}

function runBuild(tag: string, packages: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(systemTool("bash", "bash"), [SCRIPT, tag, ...packages], {
      stdio: ["ignore", "ignore", "pipe"],
      env: systemEnv(),
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    const stop = () => child.kill("SIGTERM");
    const timer = setTimeout(stop, BUILD_LIMIT_MS);
    signal?.addEventListener("abort", stop, { once: true });
    child.on("error", (e) => reject(new LabError("REUSELAB_PROBE_BUILD", `cannot run ${SCRIPT}: ${e.message}`)));
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
      if (code === 0) return resolve();
      if (signal?.aborted)
        return reject(new LabError("REUSELAB_INTERRUPTED", "interrupted while building the service image"));
      const why = sig
        ? `was stopped by ${sig}${sig === "SIGTERM" ? ` (no result after ${BUILD_LIMIT_MS / 60_000} min)` : ""}`
        : `exited with ${code}`;
      reject(
        new LabError(
          "REUSELAB_PROBE_BUILD",
          `building the service image ${tag} (${packages.join(", ")}) failed: ${SCRIPT} ${why}\n${stderr.trim()}`,
        ),
      );
    });
  });
}
