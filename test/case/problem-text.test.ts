// How the loader words a problem (lab/case/problems.ts), from case files written here: the error's
// head line and each problem as file:line: message; fix, and the "did you mean" of a typo: how close
// a word must be, in any case, and the list of known words when none is close.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError } from "../../lab/problems";

const BODY = "title: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const KEYS =
  "known keys: schemaVersion, title, rule, source, tags, claims, requires, xfail, fix, variants, actors, groups, steps";

/** The CaseProblemsError of a folder holding these case files (name -> text), with the folder's path shown as "cases". */
function problems(t: { teardown(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-problems-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "cases"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "cases", name), text);
  try {
    loadCatalogue([join(dir, "cases")]);
  } catch (e) {
    if (e instanceof CaseProblemsError)
      return e.message.replaceAll(relative(process.cwd(), join(dir, "cases")), "cases");
    throw e;
  }
  return "no problem";
}
const withKey = (key: string) => `schemaVersion: 1\n${key}: x\n${BODY}`;

test("one problem: its count in the singular, then the problem as file:line: message; fix", (t) => {
  t.is(
    problems(t, { "a.yaml": withKey("tag") }),
    "1 problem in the case files; nothing was started:\n  cases/a.yaml:2: unknown key 'tag'; did you mean 'tags'?",
  );
});

test("problems of several files, each on its line, counted in the plural", (t) => {
  t.is(
    problems(t, { "a.yaml": withKey("tag"), "b.yaml": withKey("titel") }),
    "2 problems in the case files; nothing was started:\n  cases/a.yaml:2: unknown key 'tag'; did you mean 'tags'?\n  cases/b.yaml:2: unknown key 'titel'; did you mean 'title'?",
  );
});

test("did you mean: in any case; up to a third of the word's letters may differ (at least 2), else the known words", (t) => {
  const fix = (key: string) =>
    problems(t, { "a.yaml": withKey(key) })
      .split("; ")
      .slice(-1)[0];
  t.is(fix("TAGS"), "did you mean 'tags'?");
  t.is(fix("Steps"), "did you mean 'steps'?");
  t.is(fix("tgz"), "did you mean 'tags'?", "2 edits in a word of 3");
  t.is(fix("titleXY"), "did you mean 'title'?", "2 edits in a word of 7");
  t.is(fix("titleXYZ"), KEYS, "3 edits in a word of 8 is too many");
  t.is(fix("variantsXYZ"), "did you mean 'variants'?", "3 edits in a word of 11");
  t.is(fix("variantsVWXYZ"), KEYS, "5 edits in a word of 13 is too many");
  t.is(fix("xyz"), KEYS);
  // Of two known words, the closer: 'fixes' is 2 from 'fix' and 4 from 'xfail'.
  t.is(fix("fixes"), "did you mean 'fix'?");
  t.is(fix("xfial"), "did you mean 'xfail'?");
});

test("the error's code, and a long list of known words cut to its first 16 with the count", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-problems-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "a.yaml"),
    "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: xyzzy 1\n",
  );
  const e = t.throws(() => loadCatalogue([dir]), { instanceOf: CaseProblemsError });
  t.is(e?.code, "REUSELAB_BAD_CASES");
  t.regex(e?.problems[0]?.fix ?? "", /^known calls: ([a-z-]+, ){15}[a-z-]+, … \((1[7-9]|[2-9]\d) in all\)$/);
});

test("a typo with no known word to choose from says so", (t) => {
  const text =
    "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors: {}\ngroups:\n  g: [x, y]\nsteps:\n  - g: recv\n";
  t.true(
    problems(t, { "a.yaml": text }).includes(
      "\n  cases/a.yaml:7: group 'g' names unknown actor 'x'; there are no actors to choose from\n",
    ),
  );
});
