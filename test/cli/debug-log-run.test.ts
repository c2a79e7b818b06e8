/**
 * REUSELAB_DEBUG=FILE on a real run (netns backend, one case, a fresh cache): what the lab lets go on
 * purpose gets its line in FILE, tagged, and nothing of it reaches the terminal.
 */
import test from "ava";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { lab, scratch } from "./helpers";

test("a netns run with REUSELAB_DEBUG=FILE: the missing last-results cache it starts afresh is a line in FILE, not on stderr", (t) => {
  const dir = scratch();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cache = join(dir, "cache");
  mkdirSync(cache);
  const log = join(dir, "debug.log");
  const r = lab(["run", "--backend", "netns", "--cases", "cases/hijack/neither-option-no-second-bind.yaml"], {
    REUSELAB_CACHE: cache,
    REUSELAB_DEBUG: log,
  });
  t.is(r.code, 0, r.err);
  t.regex(r.out, /2 passed/);
  const lines = readFileSync(log, "utf8").trimEnd().split("\n");
  const results = join(cache, "last-results.json");
  // The run read its last-results file before writing it: none was there, said once, with the cause.
  t.deepEqual(
    lines.filter((l) => l.includes(" reuselab report/last-results: ")).map((l) => l.replace(/^\S+ /, "")),
    [`reuselab report/last-results: Error ENOENT: ENOENT: no such file or directory, open '${results}'`],
  );
  t.true(existsSync(results), "and then wrote it");
  for (const l of lines) t.regex(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z reuselab [a-z-]+\/[a-z-]+: /);
  t.notRegex(r.err, /reuselab [a-z-]+\/[a-z-]+: /, "the lines go to the file only");
});
