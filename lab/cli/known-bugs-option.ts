/**
 * --known-bugs FILE, on run, matrix and merge: the allowlist of fixes a kernel is known to lack
 * (lab/case/allowlist.ts). With the shipped catalogue (no --cases) it defaults to
 * cases/regressions/allowlist.yaml, and a missing default is an empty list; a file named on the
 * command line must exist.
 */
import type { Command } from "commander";
import { join, relative } from "node:path";
import type * as Allowlist from "../case/allowlist";
import type { AllowEntry } from "../case/allowlist";
import { findCaseFiles } from "../case/case-files";
import type { Catalogue } from "../case/load-cases";
import { DEFAULT_CASES, type SelectionOptions } from "./options";

export const DEFAULT_ALLOWLIST = join(DEFAULT_CASES, "regressions", "allowlist.yaml");

export interface KnownBugsOptions {
  knownBugs?: string;
}

export function addKnownBugsOption(cmd: Command): Command {
  return cmd.option(
    "--known-bugs <file>",
    "the allowlist of fixes a kernel is known to lack: a regression case that fails there is xfail, not a failure (default with the shipped catalogue: cases/regressions/allowlist.yaml)",
  );
}

/** The allowlist's path, or none (a --cases catalogue and no --known-bugs). */
export function allowlistPath(o: SelectionOptions & KnownBugsOptions): string | undefined {
  return o.knownBugs ?? (o.cases ? undefined : DEFAULT_ALLOWLIST);
}

/** The entries, validated against every case id under the catalogue's folders (a narrowed --cases still knows the others). */
export function allowlistFor(o: SelectionOptions & KnownBugsOptions, catalogue: Catalogue, paths: readonly string[]): AllowEntry[] {
  const file = allowlistPath(o);
  if (file === undefined) return [];
  // Named as the user wrote it; the default as a path from here.
  const shown = o.knownBugs ?? (relative(process.cwd(), file) || file);
  // The reader (and the YAML library) loads here, not for every command that has the option.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- callers are synchronous
  const { loadAllowlist } = require("../case/allowlist") as typeof Allowlist;
  const ids = findCaseFiles([...findCaseFiles(paths).roots]).files.map(([, id]) => id);
  return loadAllowlist(shown, [...new Set([...ids, ...catalogue.cases.map((c) => c.id)])], catalogue.cases, o.knownBugs === undefined);
}
