// Temporary folders for a test file's inputs, outputs and caches, removed when the file's tests are
// done (after.always: pass or fail). A test that wants to keep its folder as evidence on failure makes
// its own and says where it is.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
// Declared when a test file loads this module (ava takes hooks only then, not from inside a test).
test.after.always("remove the scratch folders", () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new, empty folder under the system's temporary folder, named reuselab-PREFIX-…; removed after this file's tests. */
export function scratch(prefix = "cli"): string {
  const dir = mkdtempSync(join(tmpdir(), `reuselab-${prefix}-`));
  made.push(dir);
  return dir;
}
