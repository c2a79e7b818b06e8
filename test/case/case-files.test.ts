// Where a catalogue's files are (lab/case/case-files.ts): every *.yaml and *.yml under a folder, in
// name order, but claims.yaml and allowlist.yaml; ids relative to the nearest folder named "cases"
// (else to the folder given), so narrowing --cases keeps them; paths shown from the working folder.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { caseIdFor, DEFAULT_CASES, findCaseFiles, show } from "../../lab/case/case-files";
import { PACKAGE_ROOT } from "../../lab/package-root";

/** A fresh folder holding these files (paths relative to it); the folder. */
function tree(t: { teardown(fn: () => void): void }, files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-case-files-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of files) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "x");
  }
  return dir;
}

/** What findCaseFiles finds, with paths relative to `dir`. */
function found(dir: string, paths: string[]): { files: [string, string][]; roots: string[] } {
  const f = findCaseFiles(paths.map((p) => join(dir, p)));
  return {
    files: f.files.map(([file, id]) => [relative(dir, file), id]),
    roots: [...f.roots].map((r) => relative(dir, r)),
  };
}

test("a case id is its path without .yaml or .yml, with / between folders", (t) => {
  t.is(caseIdFor("a\\b\\c.yml"), "a/b/c");
  t.is(caseIdFor("a/b.yaml.yaml"), "a/b.yaml");
  t.is(caseIdFor("x.yamlx"), "x.yamlx");
  t.is(caseIdFor("a.yaml/b"), "a.yaml/b");
});

test("every case file under a folder, in name order, but the claims and the allowlist; ids below 'cases'", (t) => {
  const dir = tree(t, [
    "cases/hijack/deep/c.yaml",
    "cases/hijack/b.yaml",
    "cases/hijack/notes.txt",
    "cases/hijack/a.yml",
    "cases/hijack/allowlist.yaml",
    "cases/claims.yaml",
    "cases/hijack/B.yaml",
    "cases/hijack/d.yaml.bak",
  ]);
  symlinkSync(join(dir, "nowhere.yaml"), join(dir, "cases/hijack/dangling.yaml"));
  const all = {
    files: [
      ["cases/hijack/a.yml", "hijack/a"],
      ["cases/hijack/b.yaml", "hijack/b"],
      ["cases/hijack/B.yaml", "hijack/B"],
      ["cases/hijack/dangling.yaml", "hijack/dangling"],
      ["cases/hijack/deep/c.yaml", "hijack/deep/c"],
    ],
    roots: ["cases"],
  };
  t.deepEqual(found(dir, ["cases"]), all);
  t.deepEqual(found(dir, ["cases/hijack"]), all, "narrowed to a folder, the ids are the same");
  t.deepEqual(found(dir, ["cases/hijack/deep/c.yaml"]), {
    files: [["cases/hijack/deep/c.yaml", "hijack/deep/c"]],
    roots: ["cases"],
  });
});

test("outside a folder named 'cases', ids are relative to the folder given, or to a file's own folder", (t) => {
  const dir = tree(t, ["other/o.yaml", "other/sub/p.yaml"]);
  t.deepEqual(found(dir, ["other"]), {
    files: [
      ["other/o.yaml", "o"],
      ["other/sub/p.yaml", "sub/p"],
    ],
    roots: ["other"],
  });
  t.deepEqual(found(dir, ["other/sub/p.yaml"]), { files: [["other/sub/p.yaml", "p"]], roots: ["other/sub"] });
  t.deepEqual(found(dir, ["other/o.yaml", "other/sub"]).roots, ["other", "other/sub"]);
});

test("a path is shown from the working folder; the working folder itself as it is", (t) => {
  t.is(show(join(process.cwd(), "x", "y.yaml")), join("x", "y.yaml"));
  t.is(show(process.cwd()), process.cwd());
  t.is(DEFAULT_CASES, join(PACKAGE_ROOT, "cases"));
});
