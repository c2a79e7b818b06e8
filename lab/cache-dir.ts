/** Where the lab keeps what it fetched or built once (kernels, images, the catalogue cache): REUSELAB_CACHE, or .cache beside package.json. */
import { join } from "node:path";
import { PACKAGE_ROOT } from "./package-root";

export function cacheDir(): string {
  return process.env.REUSELAB_CACHE ?? join(PACKAGE_ROOT, ".cache");
}
