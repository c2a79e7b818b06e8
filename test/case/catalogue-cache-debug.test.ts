// What the catalogue cache (lab/case/catalogue-cache.ts) lets go without an error goes to the debug log
// (REUSELAB_DEBUG), under its tag: no entry yet, a case file that cannot be read, an entry that cannot be
// written, nor its temporary file removed; and, with nothing it may cache, no entry looked for. Serial:
// REUSELAB_DEBUG is the process's.
import test from "ava";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedCatalogue, loadCatalogueCached } from "../../lab/case/catalogue-cache";
import { MAX_FILE_BYTES } from "../../lab/case/raw-text";
import { LabError } from "../../lab/errors";
import { CaseProblemsError } from "../../lab/problems";

const CASE = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";

/** A fresh folder with `cases/one.yaml`, and the debug log's lines written while `fn` runs (time stamps cut). */
async function logged(
  t: { teardown(fn: () => void): void },
  fn: (dir: string, cases: string) => Promise<void> | void,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-catalogue-debug-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cases = join(dir, "cases");
  mkdirSync(cases);
  writeFileSync(join(cases, "one.yaml"), CASE);
  const log = join(dir, "debug.log");
  const before = process.env.REUSELAB_DEBUG;
  process.env.REUSELAB_DEBUG = log;
  try {
    await fn(dir, cases);
  } finally {
    if (before === undefined) delete process.env.REUSELAB_DEBUG;
    else process.env.REUSELAB_DEBUG = before;
  }
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {
    // no line written
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace(/^\S+ /, "").split(dir).join("DIR"));
}

test.serial("no entry yet: the read that failed is in the debug log", async (t) => {
  const lines = await logged(t, (dir, cases) => {
    t.is(cachedCatalogue([cases], join(dir, "cache")), undefined);
  });
  t.is(lines.length, 1);
  t.regex(
    lines[0]!,
    /^reuselab case\/catalogue-cache: Error ENOENT: ENOENT: no such file or directory, open 'DIR\/cache\/[0-9a-f]{32}\.v8'$/,
  );
});

test.serial("a case file that cannot be read: no cache, the load says what is wrong, the debug log why", async (t) => {
  const lines = await logged(t, async (dir, cases) => {
    symlinkSync(join(dir, "nowhere.yaml"), join(cases, "two.yaml"));
    await t.throwsAsync(loadCatalogueCached([cases], join(dir, "cache")), { instanceOf: CaseProblemsError });
  });
  t.deepEqual(lines, [
    "reuselab case/catalogue-cache: Error ENOENT: ENOENT: no such file or directory, stat 'DIR/cases/two.yaml'",
  ]);
});

test.serial(
  "a cache that is a file: the entry not written, its temporary file not there to remove, each logged",
  async (t) => {
    const lines = await logged(t, async (dir, cases) => {
      writeFileSync(join(dir, "cache"), "a file where the folder should be");
      t.is((await loadCatalogueCached([cases], join(dir, "cache"))).cases.length, 1);
    });
    const entry = "DIR/cache/[0-9a-f]{32}\\.v8";
    t.is(lines.length, 3, lines.join("\n"));
    t.regex(
      lines[0]!,
      new RegExp(`^reuselab case/catalogue-cache: Error ENOTDIR: ENOTDIR: not a directory, open '${entry}'$`),
    );
    t.regex(
      lines[1]!,
      new RegExp(
        `^reuselab case/catalogue-cache: Error ENOTDIR: ENOTDIR: not a directory, open '${entry}\\.\\d+\\.tmp'$`,
      ),
    );
    t.regex(
      lines[2]!,
      new RegExp(
        `^reuselab case/catalogue-cache: Error ENOTDIR: ENOTDIR: not a directory, unlink '${entry}\\.\\d+\\.tmp'$`,
      ),
    );
  },
);

test.serial(
  "no catalogue the cache may keep, no entry looked for: no case file, claims.yaml a folder, a file too big",
  async (t) => {
    const setups: [string, (cases: string) => void, new (...a: never[]) => Error][] = [
      ["no case file", (cases) => rmSync(join(cases, "one.yaml")), LabError],
      ["claims.yaml a folder", (cases) => mkdirSync(join(cases, "claims.yaml")), CaseProblemsError],
      [
        "a case file over the size limit",
        (cases) => writeFileSync(join(cases, "big.yaml"), `${CASE}#${"x".repeat(MAX_FILE_BYTES)}\n`),
        CaseProblemsError,
      ],
    ];
    for (const [what, setup, error] of setups) {
      const lines = await logged(t, async (dir, cases) => {
        setup(cases);
        t.is(cachedCatalogue([cases], join(dir, "cache")), undefined, what);
        await t.throwsAsync(loadCatalogueCached([cases], join(dir, "cache")), { instanceOf: error }, what);
        t.false(existsSync(join(dir, "cache")), what);
      });
      t.deepEqual(lines, [], what);
    }
  },
);

test.serial(
  "a case file that cannot be read: cachedCatalogue logs the read that failed, and looks for no entry",
  async (t) => {
    const lines = await logged(t, (dir, cases) => {
      symlinkSync(join(dir, "nowhere.yaml"), join(cases, "two.yaml"));
      t.is(cachedCatalogue([cases], join(dir, "cache")), undefined);
    });
    t.deepEqual(lines, [
      "reuselab case/catalogue-cache: Error ENOENT: ENOENT: no such file or directory, stat 'DIR/cases/two.yaml'",
    ]);
  },
);
