// A case file too large to be one is refused before it is read whole.
import test from "ava";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCase } from "../../lab/case/load-case";
import { lineAt, loneCarriageReturn, MAX_FILE_BYTES, readBounded, tooDeep } from "../../lab/case/raw-text";

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

test("a file that cannot be opened, or opened but not read, says which, with its code", (t) => {
  t.deepEqual(readBounded(join(tmpdir(), "reuselab-no-such-dir", "x.yaml")), {
    problem: {
      line: 1,
      message: "cannot read the file (ENOENT)",
      fix: "check that the file exists and is readable",
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "reuselab-dir-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.deepEqual(readBounded(dir), {
    problem: { line: 1, message: "cannot read the file (EISDIR)", fix: "check that the file is a readable file" },
  });
  t.deepEqual(
    loadCase(dir, "x").problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`),
    ["1: cannot read the file (EISDIR) | check that the file is a readable file"],
  );
});

test("a lone CR is put on its line; CR LF is a line end", (t) => {
  t.is(loneCarriageReturn("a: 1\r\nb: 2\r\n"), undefined);
  t.deepEqual(loneCarriageReturn("a: 1\r\nb: 2\r\nc: 3\rd: 4\n"), {
    line: 3,
    message: "CR line ends (a carriage return with no line feed after it); YAML reads them as one long line",
    fix: "convert the file to LF line ends (e.g. tr '\\r' '\\n', or dos2unix -c mac)",
  });
  t.is(lineAt("a\nb\nc", 0), 1);
  t.is(lineAt("a\nb\nc", 1), 1, "the newline belongs to the line it ends");
  t.is(lineAt("a\nb\nc", 2), 2);
  t.is(lineAt("a\nb\nc", 4), 3);
  t.is(lineAt("a\nb\nc", 99), 3);
});

test("nesting: block levels, dashes and question marks, open brackets carried to the next lines", (t) => {
  const deep = (text: string) => {
    const p = tooDeep(text);
    return p && `${p.line}: ${p.message}`;
  };
  const levels = (n: number, line: number) =>
    `${line}: this line is nested ${n} levels deep; a case file needs a few, and the lab reads at most 32`;
  const stairs = Array.from({ length: 33 }, (_, i) => `${" ".repeat(i + 1)}b:`).join("\n");
  t.is(deep(`a:\n${stairs}\n`), levels(33, 33));
  t.is(deep(`a:\n${stairs.split("\n").slice(0, 31).join("\n")}\n`), undefined, "32 levels are read");
  // Going back out of a block pops its levels: the same 20 twice is 20, not 40.
  const twenty = Array.from({ length: 19 }, (_, i) => `${" ".repeat(i + 1)}b:`).join("\n");
  t.is(deep(`a:\n${twenty}\nc:\n${twenty}\n`), undefined);
  t.is(deep(`- ${"? ".repeat(32)}x\n`), levels(34, 1));
  t.is(deep(`a: ${"[".repeat(20)}\n${"[".repeat(13)}\n`), levels(34, 2), "a bracket left open counts on the next line");
  t.is(deep(`a: ${"[".repeat(20)}${"]".repeat(20)}\n${"[".repeat(13)}\n`), undefined);
  t.is(deep(`]]]]\n${"[".repeat(33)}\n`), levels(34, 2), "a closing bracket too many does not go below none");
  t.is(deep(`a: {${"{".repeat(31)}\n`), levels(33, 1), "braces count as brackets do");
  t.is(deep(`a: b#${"[".repeat(36)}\n`), levels(37, 1), "a # inside a word starts no comment");
  t.is(deep(`a: 'it''s ${"[".repeat(36)}'\n`), undefined, "quoted, with a doubled quote");
  t.is(deep(`a: "x\\" ${"[".repeat(36)}"\n`), undefined, "double-quoted, with an escaped quote");
  t.is(deep(`a: x\n  # ${"[".repeat(40)}\n`), undefined, "a comment line");
});

test("siblings at one indent are one level; lines inside brackets do not count their indentation", (t) => {
  t.is(tooDeep(`${Array.from({ length: 40 }, (_, i) => `k${i}: 1`).join("\n")}\n`), undefined);
  t.is(
    tooDeep(`a: [\n${Array.from({ length: 40 }, (_, i) => `${" ".repeat(i + 1)}${i},`).join("\n")}\n]\n`),
    undefined,
  );
});

test("every file read is closed again", (t) => {
  const open = () => readdirSync("/proc/self/fd").length;
  const before = open();
  for (let i = 0; i < 200; i++) t.true("bytes" in readBounded("package.json"));
  // Other tests of this file may hold a few; 200 left open would show.
  t.true(open() - before < 50, `${open() - before} more descriptors open`);
});

test("a CR first, a newline first; a line of only a quoted value, comments and blank lines in deep nesting", (t) => {
  t.is(loneCarriageReturn("\ra: 1\n")?.line, 1);
  t.is(lineAt("\na", 1), 2);
  const stairs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `${" ".repeat(i + from)}b:`).join("\n");
  t.is(tooDeep(`a:\n${stairs(31)}\n${" ".repeat(33)}"x"\n`)?.line, 33, "a line that is only a quoted value is a level");
  t.is(tooDeep(`# ${"[".repeat(40)}\na: 1\n`), undefined, "a comment from the first column");
  // A comment or a blank line at the first column does not close the levels around it.
  t.is(tooDeep(`a:\n${stairs(16)}\n# note\n\n${stairs(17, 17)}\n`)?.line, 35);
});

test("dashes are counted however far apart", (t) => {
  t.is(tooDeep(`${"-  ".repeat(33)}x\n`)?.line, 1);
  t.is(tooDeep(`${"-  ".repeat(20)}x\n`), undefined, "20 dashes and their spaces are 21 levels, not 41");
});
