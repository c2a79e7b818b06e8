// --cases PATH: symlinked folders are followed; a symlink loop is refused and named as one.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabError } from "../../lab/errors";
import { findCaseFiles } from "../../lab/case/case-files";

const CASE = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1000 }\nsteps:\n  - a: sleep 1\n";

/** A fresh `cases/` folder with one case, removed when the test ends. */
function folder(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-walk-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "cases", "hijack"), { recursive: true });
  writeFileSync(join(dir, "cases", "hijack", "one.yaml"), CASE);
  return join(dir, "cases");
}

test("a symlinked folder under --cases is walked, its cases keep the link's path as their id", (t) => {
  const cases = folder(t);
  const elsewhere = join(cases, "..", "elsewhere");
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, "two.yaml"), CASE);
  symlinkSync(elsewhere, join(cases, "linked"));
  t.deepEqual(
    findCaseFiles([cases]).files.map(([, id]) => id),
    ["hijack/one", "linked/two"],
  );
});

test("a symlink to a folder that encloses it is refused as a loop, not walked for ever", (t) => {
  const cases = folder(t);
  symlinkSync("..", join(cases, "hijack", "up"));
  const e = t.throws(() => findCaseFiles([cases]), { instanceOf: LabError });
  t.is(e?.code, "REUSELAB_NO_CASES");
  t.regex(e?.message ?? "", /^symlink loop: .*hijack\/up -> .*cases, a folder that encloses it/);
  t.regex(e?.message ?? "", /remove the link/);
});

test("links that lead only to each other are named as a loop, given or found", (t) => {
  const cases = folder(t);
  symlinkSync(join(cases, "b"), join(cases, "a"));
  symlinkSync(join(cases, "a"), join(cases, "b"));
  const found = t.throws(() => findCaseFiles([cases]), { instanceOf: LabError });
  t.regex(
    found?.message ?? "",
    /^symlink loop: \S*cases\/a -> \S*cases\/b -> \S*cases\/a never reaches a file or folder; remove one of the links/,
  );
  t.is(found?.code, "REUSELAB_NO_CASES");
  const given = t.throws(() => findCaseFiles([join(cases, "b")]), { instanceOf: LabError });
  t.regex(given?.message ?? "", /^symlink loop: \S*cases\/b -> \S*cases\/a -> \S*cases\/b never reaches/);
  t.notRegex(given?.message ?? "", /no such case file/);
});

test("a path that does not exist is still 'no such case file or folder'", (t) => {
  const cases = folder(t);
  const e = t.throws(() => findCaseFiles([join(cases, "nope")]), { instanceOf: LabError });
  t.regex(e?.message ?? "", /^no such case file or folder: /);
  t.is(e?.code, "REUSELAB_NO_CASES");
});

test("a chain of links too long to follow is named up to its 42nd link", (t) => {
  const cases = folder(t);
  writeFileSync(join(cases, "end.yaml"), CASE);
  for (let i = 0; i < 45; i++)
    symlinkSync(join(cases, i === 44 ? "end.yaml" : `l${i + 1}.yaml`), join(cases, `l${i}.yaml`));
  const e = t.throws(() => findCaseFiles([join(cases, "l0.yaml")]), { instanceOf: LabError });
  const chain = (e?.message ?? "")
    .replace(/^symlink loop: /, "")
    .replace(/ never reaches.*$/, "")
    .split(" -> ");
  t.is(chain.length, 42);
  t.regex(chain[0]!, /cases\/l0\.yaml$/);
  t.regex(chain[41]!, /cases\/l41\.yaml$/);
});
