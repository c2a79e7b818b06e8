import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debugEnabled, debugLog, ignored } from "../lab/debug-log";

test.serial(
  "REUSELAB_DEBUG=FILE appends one line per event, with its tag and the error's code and message",
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "reuselab-debug-"));
    const file = join(dir, "debug.log");
    const before = process.env.REUSELAB_DEBUG;
    process.env.REUSELAB_DEBUG = file;
    try {
      t.true(debugEnabled());
      debugLog("netns/teardown", "namespace rl-x\nwas gone");
      const e = Object.assign(new Error("no such container"), { code: "ENOENT" });
      t.is(await Promise.reject(e).catch(ignored("docker/remove")), undefined);
      const lines = readFileSync(file, "utf8").trimEnd().split("\n");
      t.is(lines.length, 2);
      t.regex(lines[0], /^\d{4}-\d\d-\d\dT.* reuselab netns\/teardown: namespace rl-x \| was gone$/);
      t.regex(lines[1], / reuselab docker\/remove: Error ENOENT: no such container$/);
    } finally {
      if (before === undefined) delete process.env.REUSELAB_DEBUG;
      else process.env.REUSELAB_DEBUG = before;
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test.serial("without REUSELAB_DEBUG nothing is written", (t) => {
  const before = process.env.REUSELAB_DEBUG;
  delete process.env.REUSELAB_DEBUG;
  const dir = mkdtempSync(join(tmpdir(), "reuselab-debug-"));
  try {
    t.false(debugEnabled());
    const write = process.stderr.write;
    let written = "";
    process.stderr.write = ((s: string) => ((written += s), true)) as typeof process.stderr.write;
    try {
      debugLog("x/y", "z");
    } finally {
      process.stderr.write = write;
    }
    t.is(written, "");
  } finally {
    if (before !== undefined) process.env.REUSELAB_DEBUG = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
