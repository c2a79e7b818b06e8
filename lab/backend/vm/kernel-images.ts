/**
 * The guest kernel images (images/kernels/kernels.yaml): fetched from Debian with a private apt
 * configuration and given an initramfs with the guest agent, by the scripts under images/. Both
 * scripts cache their work; this only runs them and finds what they made.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { LabError } from "../../errors";
import { REPO_ROOT } from "../docker/probe-image";

export interface KernelImage {
  id: string;
  release: string;
  kernel: string;
  initramfs: string;
}

const LIST = join(REPO_ROOT, "images/kernels/kernels.yaml");

export function cacheDir(): string {
  return process.env.REUSELAB_CACHE ?? join(REPO_ROOT, ".cache");
}

/** The ids of the kernel images the matrix runs, in the file's order. */
export function kernelIds(): string[] {
  const doc = parse(readFileSync(LIST, "utf8")) as { kernels?: { id: unknown }[] };
  return (doc.kernels ?? []).map((k) => String(k.id));
}

/** Fetches the kernel and builds its initramfs when they are not cached yet. */
export function ensureKernelImage(id: string): KernelImage {
  if (!kernelIds().includes(id)) {
    throw new LabError("REUSELAB_BAD_ARGS", `unknown kernel '${id}': the kernels are host and ${kernelIds().join(", ")} (images/kernels/kernels.yaml)`);
  }
  for (const script of ["images/kernels/fetch-kernel.sh", "images/guest/build-initramfs.sh"]) {
    const r = spawnSync("bash", [join(REPO_ROOT, script), id], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, REUSELAB_CACHE: cacheDir() } });
    if (r.status !== 0) throw new LabError("REUSELAB_NO_ENGINE", `preparing kernel ${id} failed: bash ${script} ${id} exited with ${r.status ?? r.error?.message} (its message is above)`);
  }
  const dir = join(cacheDir(), "kernels", id);
  const image = { id, release: readFileSync(join(dir, "release"), "utf8").trim(), kernel: join(dir, "vmlinuz"), initramfs: join(dir, "initramfs.cpio.gz") };
  for (const f of [image.kernel, image.initramfs]) if (!existsSync(f)) throw new LabError("REUSELAB_NO_ENGINE", `kernel ${id}: ${f} is missing after preparing it`);
  return image;
}
