/**
 * The folder that holds reuselab's package.json: a clone, or node_modules/reuselab where the package is
 * installed. Everything the lab reads or runs beside its code (images/, cases/, audits/, the
 * Dockerfile, lab/bootstrap/*.sh) is found from here, so the same code works from lab/ in a clone
 * and from dist/ once compiled.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LabError } from "./errors";

export const PACKAGE_NAME = "reuselab";

/** The nearest folder at or above `from` whose package.json is reuselab's. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === PACKAGE_NAME)
      return dir;
    if (dirname(dir) === dir)
      throw new LabError(
        "REUSELAB_BAD_INSTALL",
        `reuselab: no package.json named '${PACKAGE_NAME}' at or above ${from}; the package is incomplete (reinstall it)`,
      );
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** package.json's version: what `reuselab --version` prints. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
