/**
 * The guest kernel images (images/kernels/kernels.yaml). images/guest/boot.sh fetches each from Debian
 * with a private apt configuration, builds its initramfs and caches both under cacheDir().
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../docker/probe-image";

const LIST = join(REPO_ROOT, "images/kernels/kernels.yaml");

export function cacheDir(): string {
  return process.env.REUSELAB_CACHE ?? join(REPO_ROOT, ".cache");
}

/** The ids of the kernel images the matrix runs, in the file's order. */
export function kernelIds(): string[] {
  const doc = parse(readFileSync(LIST, "utf8")) as { kernels?: { id: unknown }[] };
  return (doc.kernels ?? []).map((k) => String(k.id));
}
