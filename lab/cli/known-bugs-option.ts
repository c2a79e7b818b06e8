/**
 * --known-bugs FILE, on run, matrix and merge: the allowlist of fixes a kernel is known to lack; what
 * it defaults to and how it is read: lab/case/known-bugs-file.ts.
 */
import type { Command } from "commander";

export function addKnownBugsOption(cmd: Command): Command {
  return cmd.option(
    "--known-bugs <file>",
    "the allowlist of fixes a kernel is known to lack: a regression case that fails there is xfail, not a failure (default with the shipped catalogue: cases/regressions/allowlist.yaml)",
  );
}
