// How a YAML file is read before the case language sees it (lab/case/yaml-file.ts): what is refused
// before parsing, each parser error in the case language's words at the line of the mistake, aliases,
// directives, what the top level must be, and the line a problem about a node or a pair is put on.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pair, Scalar } from "yaml";
import { YamlFile } from "../../lab/case/yaml-file";

/** Each problem as "line: message | fix". */
function read(text: string): string[] {
  return new YamlFile("f.yaml", text).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
}

/** The problems of the top level, after the file was read. */
function rootProblems(text: string): string[] {
  const y = new YamlFile("f.yaml", text);
  const root = y.root();
  return [root === null ? "no root" : "a mapping", ...y.problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`)];
}

test("a control character is refused before parsing, with its code point and line", (t) => {
  t.deepEqual(read("a: 1\nb: x\u0001y\n"), [
    "2: control character U+0001 on this line (is it a binary file?) | a case file is YAML text in UTF-8",
  ]);
  t.deepEqual(read("a: 1\nb: 2\nc: \u007f\n"), [
    "3: control character U+007F on this line (is it a binary file?) | a case file is YAML text in UTF-8",
  ]);
  t.deepEqual(read("a: \u001f\n"), [
    "1: control character U+001F on this line (is it a binary file?) | a case file is YAML text in UTF-8",
  ]);
  // Tab, newline and CR LF are text.
  t.deepEqual(read("a: 'x\ty'\r\nb: 2\r\n"), []);
  const y = new YamlFile("f.yaml", "a: \u0002\n");
  t.is(y.text, "", "garbage is not parsed");
  t.true(y.quietLines.has(1));
});

test("an unknown directive is a YAML warning, reported in its own words", (t) => {
  t.deepEqual(read("%FOO bar\n---\na: 1\n"), ["1: YAML: Unknown directive %FOO | correct the YAML syntax"]);
  t.deepEqual(read("%YAML 1.1\n---\na: 1\n"), []);
});

test("an unknown tag names the tag", (t) => {
  t.deepEqual(read("a: 1\nb: !frob x\n"), ["2: YAML: unknown tag '!frob' | remove it: a case file holds plain values"]);
});

test("aliases are said once for the file: alone, several on a line, several lines", (t) => {
  const fix = "write the value out; for what differs between variants use a parameter ({name})";
  t.deepEqual(read("a: &x 1\nb: *x\n"), [`2: YAML alias '*x' cannot be used in a case file | ${fix}`]);
  t.deepEqual(read("a: &x 1\nb: [*x, *x]\n"), [
    `2: YAML alias '*x' cannot be used in a case file (2 aliases on this line) | ${fix}`,
  ]);
  t.deepEqual(read("a: &x 1\nb: *x\nc: *x\nd: [*x]\n"), [
    `2: YAML alias '*x' cannot be used in a case file (3 aliases on 3 lines, the first here) | ${fix}`,
  ]);
  const y = new YamlFile("f.yaml", "a: &x 1\nb: 2\nc: *x\nd: 3\ne: *x\n");
  t.deepEqual([...y.quietLines].sort(), [3, 5], "every line with an alias is quiet, no other");
});

test("a file with no problem has no quiet line", (t) => {
  const y = new YamlFile("f.yaml", "a: 1\nb: [1, 2]\n");
  t.deepEqual(y.problems, []);
  t.deepEqual([...y.quietLines], []);
  t.is(y.text, "a: 1\nb: [1, 2]\n");
});

test("the top level: a mapping, else empty, a list or a single value, each with where to start", (t) => {
  const start = "start with 'schemaVersion: 1', then title, rule, source, actors and steps";
  t.deepEqual(rootProblems("a: 1\n"), ["a mapping"]);
  t.deepEqual(rootProblems("~\n"), [
    "no root",
    `1: the case file is empty (nothing but blank lines or comments) | ${start}`,
  ]);
  t.deepEqual(rootProblems("# nothing\n\nnull\n"), [
    "no root",
    `1: the case file is empty (nothing but blank lines or comments) | ${start}`,
  ]);
  t.deepEqual(rootProblems("# a list\n- a\n- b\n"), [
    "no root",
    `2: a case file is a YAML mapping of 'key: value' lines, not a list | ${start}`,
  ]);
  t.deepEqual(rootProblems("\nhello\n"), [
    "no root",
    `2: a case file is a YAML mapping of 'key: value' lines, not a single value | ${start}`,
  ]);
  t.deepEqual(rootProblems("0\n"), [
    "no root",
    `1: a case file is a YAML mapping of 'key: value' lines, not a single value | ${start}`,
  ]);
  // After a problem in the text, the top level adds none of its own.
  t.deepEqual(rootProblems("- a: &x 1\n- *x\n"), [
    "no root",
    "2: YAML alias '*x' cannot be used in a case file | write the value out; for what differs between variants use a parameter ({name})",
  ]);
});

test("problem(): the same message on the same line once; another message, or another line, again", (t) => {
  const y = new YamlFile("f.yaml", "a: 1\nb: 2\n");
  const root = y.root()!;
  const [a, b] = root.items;
  y.problem(a, "m");
  y.problem(a, "m", "a fix said once is not said again");
  y.problem(a, "n", "f");
  y.problem(b, "m");
  t.deepEqual(y.problems, [
    { file: "f.yaml", line: 1, message: "m" },
    { file: "f.yaml", line: 1, message: "n", fix: "f" },
    { file: "f.yaml", line: 2, message: "m" },
  ]);
});

test("lineOf: a node's first line; a pair's key, else its value; nothing is line 1", (t) => {
  const y = new YamlFile("f.yaml", "a: 1\nb:\n  - x\n  - y\n");
  const b = y.root()!.items[1]!;
  t.is(y.lineOf(b), 2);
  t.is(y.lineOf(b.value as Scalar), 3);
  t.is(y.lineOf(new Pair(null, b.value)), 3, "a pair with no key is where its value is");
  t.is(y.lineOf(new Pair(new Scalar("k"), b.value)), 3, "a key with no range gives the value's");
  t.is(y.lineOf(new Pair(null, null)), 1);
  t.is(y.lineOf(new Pair("k", "v")), 1);
  t.is(y.lineOf(null), 1);
  t.is(y.lineOf(undefined), 1);
});

test("an unclosed quote is put on the line that opens it: escapes and doubled quotes do not count", (t) => {
  t.deepEqual(read('a: "x\\"y"\nb: "open\nc: d\n'), [
    `2: YAML: the " opened on this line is never closed | add the closing "`,
  ]);
  t.deepEqual(read("a: 'x''y'\nb: 'open\nc: d\n"), [
    "2: YAML: the ' opened on this line is never closed | add the closing '",
  ]);
  t.deepEqual(read("- a\n- 'x\n"), ["2: YAML: the ' opened on this line is never closed | add the closing '"]);
  t.deepEqual(read("a: [1, 'x\n"), ["1: YAML: the ' opened on this line is never closed | add the closing '"]);
  t.deepEqual(read('"a: 1\nb: 2\n'), [`1: YAML: the " opened on this line is never closed | add the closing "`]);
  // An explicit key ("? ") is not a place the loader looks for an opening quote: YAML's words, where it says.
  t.deepEqual(read('? "open\nb: c\n'), ['3: YAML: Missing closing "quote | correct the YAML syntax']);
});

test("an unclosed bracket is put on the line that opens it: brackets in quotes and comments do not count", (t) => {
  t.deepEqual(read('a: [1,\n  "[", 2,\n  3 # {\n'), ["1: YAML: '[' is not closed on this line | add ']'"]);
  t.deepEqual(read("a: [1,\n  '{', 2,\n  3\n"), ["1: YAML: '[' is not closed on this line | add ']'"]);
  t.deepEqual(read('a: {x: 1,\n  y: "{"\n'), ["1: YAML: '{' is not closed on this line | add '}'"]);
  t.deepEqual(read("x: 1\na: [1, {b: 2}\n"), ["2: YAML: '[' is not closed on this line | add ']'"]);
  t.deepEqual(read("a: [1, {b: 2]\n"), ["1: YAML: '{' is not closed on this line | add '}'"]);
  t.deepEqual(read("a: 'x' # [\nb: [1\n"), ["2: YAML: '[' is not closed on this line | add ']'"]);
});

test("the other parser errors, in the case language's words", (t) => {
  t.deepEqual(read("a: 1\n\tb: c\n"), [
    "2: YAML: a tab indents this line | indent with spaces; YAML does not allow tabs",
  ]);
  t.deepEqual(read("abc: 1\nabc : 2\n"), [
    "2: YAML: 'abc' appears twice in the same mapping | keep one of them, or give this one another name",
  ]);
  t.deepEqual(read("a: 1\n---\nb: 2\n"), [
    "2: YAML: a second document starts here ('---') | a case file is one document: remove the '---', or move what follows to a file of its own",
  ]);
  t.deepEqual(read("x: 1\na: b: c\n"), [
    "2: YAML: ': ' (or a ':' at the end) inside a value starts a mapping | put the value in quotes, or write it on the next lines after '>-'",
  ]);
  t.deepEqual(read('x: 1\na: "\\q"\n'), [
    "2: YAML: Invalid escape sequence \\q | in double quotes a backslash starts an escape: write \\\\, or use single quotes",
  ]);
  t.deepEqual(read("a: [1, 2]\nb: }\n"), [
    '2: YAML: Unexpected flow-map-end token in YAML stream: "}" | correct the YAML syntax',
  ]);
});

test("read from disk: UTF-8 text is read; a byte that is not UTF-8 is refused at its line; a missing file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-yaml-file-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, "good.yaml");
  writeFileSync(good, "a: é\n");
  const y = new YamlFile(good);
  t.deepEqual(y.problems, []);
  t.is(y.text, "a: é\n");
  t.is(y.root()!.get("a"), "é");
  const bad = join(dir, "bad.yaml");
  writeFileSync(
    bad,
    Buffer.concat([Buffer.from("a: 1\nb: 2\nc: "), Buffer.from([0xff, 0xfe]), Buffer.from("\nd: 4\n")]),
  );
  const b = new YamlFile(bad);
  t.deepEqual(b.problems, [
    {
      file: bad,
      line: 3,
      message: "this line is not UTF-8 text (is it a binary file?)",
      fix: "a case file is YAML text in UTF-8",
    },
  ]);
  t.is(b.text, "", "what is not text is not parsed");
  t.deepEqual([...b.quietLines], [3]);
  t.is(b.root(), null);
  const missing = join(dir, "none.yaml");
  const m = new YamlFile(missing);
  t.deepEqual(m.problems, [
    {
      file: missing,
      line: 1,
      message: "cannot read the file (ENOENT)",
      fix: "check that the file exists and is readable",
    },
  ]);
  t.is(m.text, "");
  t.is(m.root(), null, "no second problem about an empty file");
  t.is(m.problems.length, 1);
});

test("a control character as the very first character is refused too", (t) => {
  t.deepEqual(read("\u0001a: 1\n"), [
    "1: control character U+0001 on this line (is it a binary file?) | a case file is YAML text in UTF-8",
  ]);
});

test("quotes: a backslash escapes nothing in single quotes; a quote before the value is not the opening one", (t) => {
  t.deepEqual(read("a: 'x\\'\nb: 'open\nc: d\n"), [
    "2: YAML: the ' opened on this line is never closed | add the closing '",
  ]);
  t.deepEqual(read("it's: 'open\nb: c\n"), ["1: YAML: the ' opened on this line is never closed | add the closing '"]);
});

test("brackets: quoted text of any length does not count; a line after the error is not blamed", (t) => {
  t.deepEqual(read('a: [1,\n  "x[", 2,\n  3\n'), ["1: YAML: '[' is not closed on this line | add ']'"]);
  t.deepEqual(read("a: [1,\n  'x{', 2,\n  3\n"), ["1: YAML: '[' is not closed on this line | add ']'"]);
  t.deepEqual(read("a:\n- [x\nc: d\ne: f {\n"), ["2: YAML: '[' is not closed on this line | add ']'"]);
});

test("YAML's parser running out of stack is a problem at line 1, not a crash", (t) => {
  // tooDeep() keeps a file shallow enough for YAML's recursive parser; here the stack is nearly used up
  // before the file is read: the deepest frame that can still read it gets YAML's RangeError.
  const text = `a: ${"[".repeat(30)}${"]".repeat(30)}\n`;
  const deep = (): YamlFile => {
    try {
      return deep();
    } catch {
      return new YamlFile("f.yaml", text);
    }
  };
  const y = deep();
  t.deepEqual(y.problems, [
    {
      file: "f.yaml",
      line: 1,
      message: "the file is nested too deeply for YAML to read",
      fix: "flatten it: a step is one line, '- actor: call => expectation'",
    },
  ]);
  t.deepEqual([...y.quietLines], [1]);
});
