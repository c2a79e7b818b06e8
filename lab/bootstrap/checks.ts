/**
 * What `reuselab doctor` looks at, without installing or starting anything: the machine's parts as
 * bootstrap.sh --check reports them (one place knows how to test for an engine or a toolchain), and
 * what only the lab knows: whether the probe image builds, and which guest kernels are in the cache.
 */
import { spawnSync } from "node:child_process";
import { systemEnv, systemTool } from "../system-tools";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connectEngine } from "../backend/docker/engine";
import { buildProbeBinary, ensureProbeImage } from "../backend/docker/probe-image";
import { readKernelsFile } from "../backend/vm/kernel-images";
import { packageFolder } from "../backend/vm/kernel-source";
import { describeSpec } from "../backend/vm/kernel-spec";
import { LabError } from "../errors";
import { PACKAGE_ROOT } from "../package-root";

export type CheckStatus = "ok" | "missing" | "warn";

export interface Check {
  /** bootstrap.sh's name for it: engine, toolchain, vm-tools, kvm, root, netns-tools, report-tools, compose; probe-image; kernel-<id>. */
  name: string;
  status: CheckStatus;
  /** What is there, or how to fix what is not. */
  text: string;
}

export type Part =
  "all" | "engine" | "toolchain" | "vm" | "netns" | "report" | "compose" | "audit" | "fuzz" | "kernel-build";

/** Runs `bash lab/bootstrap/bootstrap.sh --check PARTS…` and reads its lines. */
export function machineChecks(parts: readonly Part[]): Check[] {
  const script = join(PACKAGE_ROOT, "lab/bootstrap/bootstrap.sh");
  const r = spawnSync(systemTool("bash", "bash"), [script, "--check", ...parts], {
    encoding: "utf8",
    timeout: 120_000,
    env: systemEnv(),
  });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    throw new LabError(
      "REUSELAB_NOT_READY",
      `bash ${script} --check ${parts.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim()}`,
    );
  }
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [status, name = "", text = ""] = line.split("\t");
      return { name, status: (["ok", "missing", "warn"].includes(status!) ? status : "missing") as CheckStatus, text };
    });
}

/** The probe builds (make), and, where an engine answers, so does its image (built once per probe: the tag is its hash). */
export async function probeImageCheck(withImage: boolean): Promise<Check> {
  try {
    buildProbeBinary();
    if (!withImage) return { name: "probe-image", status: "ok", text: "the probe builds (images/probe/build/probe)" };
    const tag = await ensureProbeImage(await connectEngine());
    return { name: "probe-image", status: "ok", text: `the probe builds; image ${tag}` };
  } catch (e) {
    return { name: "probe-image", status: "missing", text: (e as Error).message.split("\n").join(" ") };
  }
}

/** Each guest kernel: in the cache (complete as images/kernels/fetch-kernel.sh's complete() has it), or fetched on first use. */
export function kernelImageChecks(): Check[] {
  return readKernelsFile().map(({ id, spec }) => {
    if (spec.kind !== "debian" && spec.kind !== "deb")
      return {
        name: `kernel-${id}`,
        status: "ok",
        text: `${describeSpec(spec)} (laid out and checked at its first run)`,
      };
    const dir = packageFolder(spec);
    const complete =
      ["vmlinuz", "release", "manifest"].every((f) => existsSync(join(dir, f))) && existsSync(join(dir, "modules"));
    if (complete)
      return {
        name: `kernel-${id}`,
        status: "ok",
        text: `${readFileSync(join(dir, "release"), "utf8").trim()} in ${dir}`,
      };
    return {
      name: `kernel-${id}`,
      status: "warn",
      text: `not in the cache yet: the first run on it (npm run lab -- run --kernels ${id}) fetches ${describeSpec(spec)} from deb.debian.org`,
    };
  });
}
