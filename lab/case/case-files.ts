/**
 * Where a catalogue's files are: every case file under the folders (or the files) given, with its id,
 * and the folders ids are relative to (where claims.yaml sits). Reads folders, not files, and loads no
 * YAML: what the catalogue cache (catalogue-cache.ts) needs to know what to hash.
 */
import { readdirSync, readlinkSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { LabError } from "../errors";
import { debugLog } from "../debug-log";
import { PACKAGE_ROOT } from "../package-root";

/** The shipped catalogue: what run, list, explain and runCases read without --cases. */
export const DEFAULT_CASES = join(PACKAGE_ROOT, "cases");

export function caseIdFor(relativePath: string): string {
  return relativePath.replace(/\\/g, "/").replace(/\.ya?ml$/, "");
}

/** Files in a case folder that are not cases: the claims, and the known-bugs allowlist (lab/case/allowlist.ts). */
export const CLAIMS_FILE = "claims.yaml";
const NOT_CASES = [CLAIMS_FILE, "allowlist.yaml"];

/**
 * A case's id is its path, without .yaml, below the nearest enclosing folder named "cases" (or below
 * the folder given, when none encloses it): "--cases cases/hijack" and "--cases cases" give the same
 * ids, so results stay comparable however a run was narrowed.
 */
function idRoot(path: string, isFile: boolean): string {
  for (let dir = isFile ? dirname(path) : path; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === "cases") return dir;
  }
  return isFile ? dirname(path) : path;
}

export interface Found {
  files: [string, string][];
  roots: Set<string>;
}

/**
 * Every *.yaml under each folder (or the file itself), sorted, as [file, id], and their id roots.
 * Symlinks are followed, to folders too (ids keep the link's path); a link back to a folder being
 * walked, or a chain of links that never ends, is refused and named as a loop.
 */
export function findCaseFiles(paths: readonly string[]): Found {
  const found: Found = { files: [], roots: new Set() };
  for (const p of paths) {
    const given = resolve(p);
    const st = statOrLoop(given, p);
    if (!st) throw new LabError("REUSELAB_NO_CASES", `no such case file or folder: ${p}`);
    const root = idRoot(given, st.isFile());
    found.roots.add(root);
    if (st.isFile()) {
      found.files.push([given, caseIdFor(relative(root, given))]);
      continue;
    }
    const walk = (dir: string, walking: readonly string[]) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name);
        const yaml = /\.ya?ml$/.test(entry.name) && !NOT_CASES.includes(entry.name);
        // A dangling link named *.yaml is kept: reading it reports it, with its name.
        const target = entry.isSymbolicLink() ? statOrLoop(full, show(full)) : entry;
        if (target?.isDirectory()) {
          const real = realpathSync(full);
          if (walking.includes(real))
            throw new LabError(
              "REUSELAB_NO_CASES",
              `symlink loop: ${show(full)} -> ${show(real)}, a folder that encloses it, so the walk under --cases would never end; remove the link or point it outside ${show(real)}`,
            );
          walk(full, [...walking, real]);
        } else if (yaml) found.files.push([full, caseIdFor(relative(root, full))]);
      }
    };
    walk(given, [realpathSync(given)]);
  }
  return found;
}

/** stat() that tells a symlink loop (ELOOP) from a missing file: undefined when missing. */
function statOrLoop(path: string, shown: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP")
      throw new LabError(
        "REUSELAB_NO_CASES",
        `symlink loop: ${linkChain(path, shown)} never reaches a file or folder; remove one of the links`,
      );
    return undefined;
  }
}

/** "a -> b -> a": the links followed from `path` until one repeats (or a bound, for a chain too long to be a loop). */
function linkChain(path: string, shown: string): string {
  const chain = [shown];
  const seen = [path];
  for (let cur = path; chain.length < 42;) {
    let next: string;
    try {
      next = resolve(dirname(cur), readlinkSync(cur));
    } catch (e) {
      debugLog("case/link-chain", e); // not a link (any more): the chain ends here
      break;
    }
    chain.push(show(next));
    if (seen.includes(next)) break;
    seen.push(next);
    cur = next;
  }
  return chain.join(" -> ");
}

/** A path as the user sees it: relative to the working folder. */
export function show(file: string): string {
  return relative(process.cwd(), file) || file;
}
