// A case file too large to be one is refused before it is read whole.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCase } from "../../lab/case/load-case";
import { MAX_FILE_BYTES, tooDeep } from "../../lab/case/raw-text";

test("a case file over the size limit is refused at line 1, with a fix, by size", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-huge-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "huge.yaml");
  // Valid YAML all through (a case, then comments): only its size is wrong.
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1000 }\nsteps:\n  - a: sleep 1\n";
  writeFileSync(
    file,
    head + "# padding padding padding padding padding padding padding padding\n".repeat(Math.ceil(MAX_FILE_BYTES / 64)),
  );
  const { case: c, problems } = loadCase(file, "huge");
  t.is(c, null);
  t.deepEqual(
    problems.map((p) => [p.line, p.message]),
    [[1, "the file is larger than 1 MB, the most a case file may be"]],
  );
  t.regex(problems[0]?.fix ?? "", /split it/);
});

test("a file just under the limit is read", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-big-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "big.yaml");
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1000 }\nsteps:\n  - a: sleep 1\n";
  writeFileSync(file, head + "#".repeat(MAX_FILE_BYTES - head.length - 1) + "\n");
  t.deepEqual(loadCase(file, "big").problems, []);
});

test("nesting is measured without recursion: the shipped depth passes, quoted brackets and comments do not count", (t) => {
  t.is(
    tooDeep('a: { b: [c, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["] } # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n'),
    undefined,
  );
  t.is(tooDeep(`x: ${"[".repeat(31)}${"]".repeat(31)}\n`), undefined);
  t.is(tooDeep(`x: ${"[".repeat(32)}${"]".repeat(32)}\n`)?.line, 1);
  t.regex(tooDeep(`a:\n${"- ".repeat(40)}x\n`)?.message ?? "", /nested 41 levels deep/);
});
