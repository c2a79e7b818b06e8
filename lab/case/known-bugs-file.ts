/**
 * The allowlist of fixes a kernel is known to lack (lab/case/allowlist.ts) that a run, matrix or merge
 * reads: --known-bugs FILE, or, with the shipped catalogue (no --cases), cases/regressions/allowlist.yaml,
 * where a missing default is an empty list; a file named on the command line must exist.
 */
import { join, relative } from "node:path";
import type * as Allowlist from "./allowlist";
import type { AllowEntry } from "./allowlist";
import { DEFAULT_CASES, findCaseFiles } from "./case-files";
import type { Catalogue } from "./load-cases";

export const DEFAULT_ALLOWLIST = join(DEFAULT_CASES, "regressions", "allowlist.yaml");

export interface KnownBugsOptions {
  /** --cases, as given: the allowlist has no default for a catalogue of one's own. */
  cases?: readonly string[];
  knownBugs?: string;
}

/** The allowlist's path, or none (a --cases catalogue and no --known-bugs). */
export function allowlistPath(o: KnownBugsOptions): string | undefined {
  return o.knownBugs ?? (o.cases ? undefined : DEFAULT_ALLOWLIST);
}

/** The entries, validated against every case id under the catalogue's folders (a narrowed --cases still knows the others). */
export function allowlistFor(o: KnownBugsOptions, catalogue: Catalogue, paths: readonly string[]): AllowEntry[] {
  const file = allowlistPath(o);
  if (file === undefined) return [];
  // Named as the user wrote it; the default as a path from here.
  const shown = o.knownBugs ?? (relative(process.cwd(), file) || file);
  // The reader (and the YAML library) loads here, not for every command that has the option.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- callers are synchronous
  const { loadAllowlist } = require("./allowlist") as typeof Allowlist;
  const ids = findCaseFiles([...findCaseFiles(paths).roots]).files.map(([, id]) => id);
  return loadAllowlist(
    shown,
    [...new Set([...ids, ...catalogue.cases.map((c) => c.id)])],
    catalogue.cases,
    o.knownBugs === undefined,
  );
}
