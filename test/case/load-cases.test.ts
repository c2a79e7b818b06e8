// Loading a catalogue (lab/case/load-cases.ts): a folder with no case file, claims named where no
// claims.yaml declares any, the same claim named twice on a line, a case id given twice; what loads.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { LabError } from "../../lab/errors";
import { loadCases, loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError } from "../../lab/problems";

const CASE = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";

/** A fresh `cases/` folder holding these files (name -> text). */
function cases(t: { teardown(fn: () => void): void }, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "reuselab-load-cases-")), "cases");
  t.teardown(() => rmSync(join(dir, ".."), { recursive: true, force: true }));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test("a folder with no case file is an error naming the folders", (t) => {
  const a = cases(t, { "notes.txt": "not a case", "claims.yaml": "schemaVersion: 1\nclaims: []\n" });
  const e = t.throws(() => loadCatalogue([a, a]), { instanceOf: LabError });
  t.is(e?.code, "REUSELAB_NO_CASES");
  t.is(e?.message, `no case files (*.yaml) in ${a}, ${a}`);
});

test("a claim named where no claims.yaml declares claims: each reference once, with its line", (t) => {
  const dir = cases(t, {
    "x.yaml": CASE.replace("source: s\n", "source: s\nclaims: { refutes: [c1, c1], partly: [c2] }\n"),
  });
  const e = t.throws(() => loadCatalogue([dir]), { instanceOf: CaseProblemsError });
  const shown = relative(process.cwd(), join(dir, "x.yaml"));
  t.deepEqual(
    e?.problems.map((p) => `${p.file}:${p.line}: ${p.message} | ${p.fix}`),
    [
      `${shown}:5: unknown claim 'c1' | no claims.yaml declares claims beside these cases`,
      `${shown}:5: unknown claim 'c2' | no claims.yaml declares claims beside these cases`,
    ],
  );
});

test("a claim of the case is in every variant, and reported once; a known claim is no problem", (t) => {
  const dir = cases(t, {
    "claims.yaml": "schemaVersion: 1\nclaims:\n  - { id: c1, topic: t, section: s, line: 1, quote: q }\n",
    "x.yaml": CASE.replace(
      "source: s\n",
      "source: s\nclaims: { confirms: [c1, zzz1] }\nvariants:\n  v1:\n  v2: { claims: { refutes: [zzz2] } }\n",
    ),
  });
  const e = t.throws(() => loadCatalogue([dir]), { instanceOf: CaseProblemsError });
  t.deepEqual(
    e?.problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`),
    ["5: unknown claim 'zzz1' | known claims: c1", "8: unknown claim 'zzz2' | known claims: c1"],
  );
});

test("a catalogue: its cases in file order with their ids, and the claims beside them", (t) => {
  const dir = cases(t, {
    "claims.yaml": "schemaVersion: 1\nclaims:\n  - { id: c1, topic: t, section: s, line: 1, quote: q }\n",
    "b/two.yaml": CASE.replace("source: s\n", "source: s\nclaims: { confirms: [c1] }\n"),
    "a/one.yml": CASE,
  });
  const catalogue = loadCatalogue([dir]);
  t.deepEqual(
    catalogue.cases.map((c) => [c.id, c.file]),
    [
      ["a/one", relative(process.cwd(), join(dir, "a/one.yml"))],
      ["b/two", relative(process.cwd(), join(dir, "b/two.yaml"))],
    ],
  );
  t.deepEqual(
    catalogue.claims.map((c) => c.id),
    ["c1"],
  );
  t.deepEqual(
    loadCases([dir]).map((c) => c.id),
    ["a/one", "b/two"],
  );
});

test("a case id given by two files is a problem of the second, naming the first", (t) => {
  const dir = cases(t, { "a/x.yaml": CASE, "a/x.yml": CASE });
  const e = t.throws(() => loadCatalogue([dir]), { instanceOf: CaseProblemsError });
  const first = relative(process.cwd(), join(dir, "a/x.yaml"));
  const second = relative(process.cwd(), join(dir, "a/x.yml"));
  t.deepEqual(
    e?.problems.map((p) => `${p.file}:${p.line}: ${p.message} | ${p.fix}`),
    [`${second}:1: case id 'a/x' is also the id of ${first} | rename one of the files`],
  );
});
