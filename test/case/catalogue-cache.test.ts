// The catalogue cache (lab/case/catalogue-cache.ts): an entry is the catalogue the files give, and it
// is used only while every file that made it (cases, claims, the lab's code) has the same content.
import test from "ava";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { deserialize, serialize } from "node:v8";
import { cachedCatalogue, catalogueCacheDir, loadCatalogueCached } from "../../lab/case/catalogue-cache";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError } from "../../lab/problems";
import { PACKAGE_ROOT } from "../../lab/package-root";

// The package, not this file's folder: under StrykerJS this file runs compiled from .mutation-js/test/case.
const ROOT = PACKAGE_ROOT;
const UID_CASE = "uid-rule/tcp-reuseport-needs-same-uid";

/** A fresh folder, removed when the test ends. */
function fresh(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-catalogue-cache-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A `cases/` folder holding claims.yaml and the uid-rule cases, and a cache folder beside it. */
function catalogue(t: { teardown(fn: () => void): void }): { cases: string; cache: string } {
  const dir = fresh(t);
  const cases = join(dir, "cases");
  mkdirSync(cases);
  cpSync(join(ROOT, "cases/claims.yaml"), join(cases, "claims.yaml"));
  cpSync(join(ROOT, "cases/uid-rule"), join(cases, "uid-rule"), { recursive: true });
  return { cases, cache: join(dir, "cache") };
}

const entries = (cache: string) => readdirSync(cache).filter((f) => f.endsWith(".v8"));

test("the shipped catalogue from the cache is the one its files give, object for object", async (t) => {
  const cache = fresh(t);
  t.is(cachedCatalogue([join(ROOT, "cases")], cache), undefined, "nothing cached yet");
  const loaded = await loadCatalogueCached([join(ROOT, "cases")], cache);
  const cached = cachedCatalogue([join(ROOT, "cases")], cache);
  t.truthy(cached, "the load made an entry");
  const files = loadCatalogue([join(ROOT, "cases")]);
  // Strict: prototypes, undefined-valued keys and shared objects count.
  t.true(isDeepStrictEqual(cached, files));
  t.true(isDeepStrictEqual(loaded, files));
  t.is(cached!.cases.length, files.cases.length);
});

test("an entry is not used once a case file's bytes change, or a case is added, removed or renamed, or claims.yaml changes", async (t) => {
  const { cases, cache } = catalogue(t);
  const file = join(cases, `${UID_CASE}.yaml`);
  const text = readFileSync(file, "utf8");
  const changes: [string, () => void][] = [
    ["a title changed", () => writeFileSync(file, text.replace(/^title: .*$/m, "title: changed"))],
    ["a comment added", () => writeFileSync(file, `# a comment\n${readFileSync(file, "utf8")}`)],
    ["a case added", () => writeFileSync(join(cases, "uid-rule/copy.yaml"), text)],
    ["a case renamed", () => renameSync(join(cases, "uid-rule/copy.yaml"), join(cases, "uid-rule/renamed.yaml"))],
    ["a case removed", () => rmSync(join(cases, "uid-rule/renamed.yaml"))],
    [
      "claims.yaml changed",
      () => writeFileSync(join(cases, "claims.yaml"), `${readFileSync(join(cases, "claims.yaml"), "utf8")}\n# more\n`),
    ],
  ];
  await loadCatalogueCached([cases], cache);
  t.truthy(cachedCatalogue([cases], cache));
  for (const [what, change] of changes) {
    change();
    t.is(cachedCatalogue([cases], cache), undefined, what);
    const now = await loadCatalogueCached([cases], cache);
    t.true(isDeepStrictEqual(now, loadCatalogue([cases])), what);
    t.truthy(cachedCatalogue([cases], cache), `${what}: the load made a new entry`);
  }
  t.is((await loadCatalogueCached([cases], cache)).cases.find((c) => c.id === UID_CASE)!.title, "changed");
  t.is(entries(cache).length, 1, "one entry per working folder and --cases");
});

test("a catalogue with problems is not kept: its problems are found and reported at every load", async (t) => {
  const { cases, cache } = catalogue(t);
  writeFileSync(join(cases, `${UID_CASE}.yaml`), "schemaVersion: 1\ntitle: t\n");
  const first = await t.throwsAsync(loadCatalogueCached([cases], cache), { instanceOf: CaseProblemsError });
  const again = await t.throwsAsync(loadCatalogueCached([cases], cache), { instanceOf: CaseProblemsError });
  t.is(again.message, first.message);
  t.regex(first.message, /tcp-reuseport-needs-same-uid\.yaml/);
  t.false(existsSync(cache), "no entry, not even the cache folder");
});

test("an entry records the lab's code that made it, and is not used once one of those files' content differs", async (t) => {
  const { cases, cache } = catalogue(t);
  await loadCatalogueCached([cases], cache);
  const [name] = entries(cache);
  const entry = deserialize(readFileSync(join(cache, name!))) as { code: [string, string][] };
  const files = entry.code.map(([f]) => f);
  t.true(
    files.some((f) => /lab\/case\/load-case\.(ts|js)$/.test(f)),
    "the case loader",
  );
  t.true(
    files.some((f) => /lab\/steps\/bind\.(ts|js)$/.test(f)),
    "a step's parser",
  );
  t.true(files.includes(require.resolve("yaml/package.json")), "the YAML library's version");
  const loader = entry.code.find(([f]) => /lab\/case\/load-case\.(ts|js)$/.test(f))!;
  loader[1] = "0".repeat(64);
  writeFileSync(join(cache, name!), serialize(entry));
  t.is(cachedCatalogue([cases], cache), undefined);
});

test("an entry that is not one (cut short, garbage) costs a load, not the answer", async (t) => {
  const { cases, cache } = catalogue(t);
  const expected = await loadCatalogueCached([cases], cache);
  const [name] = entries(cache);
  const bytes = readFileSync(join(cache, name!));
  for (const bad of [bytes.subarray(0, bytes.length >> 1), Buffer.from("not an entry")]) {
    writeFileSync(join(cache, name!), bad);
    t.is(cachedCatalogue([cases], cache), undefined);
    t.true(isDeepStrictEqual(await loadCatalogueCached([cases], cache), expected));
    t.truthy(cachedCatalogue([cases], cache), "made again");
  }
});

test("a cache folder that cannot be made costs time, never the answer", async (t) => {
  const { cases, cache } = catalogue(t);
  writeFileSync(cache, "a file where the folder should be");
  t.true(isDeepStrictEqual(await loadCatalogueCached([cases], cache), loadCatalogue([cases])));
  // Where mkdir fails with ENOENT under a folder that exists, Node's recursive mkdirSync never returns.
  t.true(
    isDeepStrictEqual(await loadCatalogueCached([cases], "/proc/reuselab-no-such/catalogue"), loadCatalogue([cases])),
  );
});

test("at most 16 entries are kept: the least recently used go first, other files stay", async (t) => {
  const { cases, cache } = catalogue(t);
  mkdirSync(cache);
  // 17 entries of other folders, used one second apart (old-0 the least recently), and a file that is no entry.
  for (let i = 0; i < 17; i++) {
    const f = join(cache, `old-${i}.v8`);
    writeFileSync(f, "an entry");
    utimesSync(f, 1_000_000 + i, 1_000_000 + i);
  }
  writeFileSync(join(cache, "notes.txt"), "not an entry");
  utimesSync(join(cache, "notes.txt"), 1, 1);
  await loadCatalogueCached([cases], cache);
  const kept = entries(cache);
  t.is(kept.length, 16);
  t.deepEqual(
    kept.filter((f) => f.startsWith("old-")).sort((a, b) => Number(a.slice(4, -3)) - Number(b.slice(4, -3))),
    Array.from({ length: 15 }, (_, i) => `old-${i + 2}.v8`),
    "the two least recently used are gone",
  );
  t.truthy(cachedCatalogue([cases], cache), "the new entry is kept");
  t.true(existsSync(join(cache, "notes.txt")));
});

test("an entry used is marked as used now, so that it is not the next to go", async (t) => {
  const { cases, cache } = catalogue(t);
  await loadCatalogueCached([cases], cache);
  const [name] = entries(cache);
  utimesSync(join(cache, name!), 1_000_000, 1_000_000);
  t.truthy(cachedCatalogue([cases], cache));
  t.true(statSync(join(cache, name!)).mtimeMs > Date.now() - 60_000);
});

test("the cache folder is REUSELAB_CACHE's catalogue/, else .cache/catalogue beside package.json", (t) => {
  const before = process.env.REUSELAB_CACHE;
  t.teardown(() => {
    if (before === undefined) delete process.env.REUSELAB_CACHE;
    else process.env.REUSELAB_CACHE = before;
  });
  process.env.REUSELAB_CACHE = "/somewhere/cache";
  t.is(catalogueCacheDir(), "/somewhere/cache/catalogue");
  delete process.env.REUSELAB_CACHE;
  t.is(catalogueCacheDir(), join(PACKAGE_ROOT, ".cache", "catalogue"));
});

test("one entry per --cases: another folder, another entry; a cache folder several levels down is made", async (t) => {
  const a = catalogue(t);
  const b = catalogue(t);
  const cache = join(fresh(t), "deep", "er", "cache");
  await loadCatalogueCached([a.cases], cache);
  await loadCatalogueCached([b.cases], cache);
  await loadCatalogueCached([join(a.cases, "uid-rule")], cache);
  const names = entries(cache);
  t.is(names.length, 3);
  for (const n of names) t.regex(n, /^[0-9a-f]{32}\.v8$/);
  t.truthy(cachedCatalogue([a.cases], cache));
  t.truthy(cachedCatalogue([b.cases], cache));
  t.truthy(cachedCatalogue([join(a.cases, "uid-rule")], cache));
  t.is(cachedCatalogue([join(b.cases, "uid-rule")], cache), undefined, "never loaded that way");
});
