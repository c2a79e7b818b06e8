// The catalogue cache (lab/case/catalogue-cache.ts) at its edges: a good entry is what a load gives, the
// case files not read again; the entry's code list is in path order; --cases lists whose paths run together
// as text still get an entry each; a case file of exactly the size limit is cached; a rename that fails
// leaves no half-written file behind; a FIFO is left to the loader.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { cachedCatalogue, loadCatalogueCached } from "../../lab/case/catalogue-cache";
import type { Catalogue } from "../../lab/case/load-cases";
import { MAX_FILE_BYTES } from "../../lab/case/raw-text";

const CASE = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";

/** A fresh folder, removed when the test ends. */
function fresh(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-catalogue-entry-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A folder holding these case files (name -> text). */
function folder(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const entries = (cache: string) => readdirSync(cache).filter((f) => f.endsWith(".v8"));

test("a good entry is used as it is: the load gives the entry's catalogue, the case files are not read again", async (t) => {
  const dir = fresh(t);
  const cases = folder(join(dir, "cases"), { "one.yaml": CASE });
  const cache = join(dir, "cache");
  t.is((await loadCatalogueCached([cases], cache)).cases[0]!.title, "t");
  const [name] = entries(cache);
  const entry = deserialize(readFileSync(join(cache, name!))) as { code: [string, string][]; catalogue: Catalogue };
  const files = entry.code.map(([f]) => f);
  t.deepEqual(files, [...files].sort(), "the lab's code files, in path order");
  // An entry with another title than the file's: only a load that uses the entry can give it.
  entry.catalogue.cases[0]!.title = "from the cache";
  writeFileSync(join(cache, name!), serialize(entry));
  t.is((await loadCatalogueCached([cases], cache)).cases[0]!.title, "from the cache");
  t.is(cachedCatalogue([cases], cache)?.cases[0]!.title, "from the cache");
});

test("two --cases lists whose paths run together as text (/d/x + /d/y, /d/x/d/y) get an entry each", async (t) => {
  const dir = fresh(t);
  const x = folder(join(dir, "x"), { "a.yaml": CASE });
  const y = folder(join(dir, "y"), { "b.yaml": CASE });
  const xy = folder(x + y, { "c.yaml": CASE });
  const cache = join(dir, "cache");
  await loadCatalogueCached([x, y], cache);
  await loadCatalogueCached([xy], cache);
  t.is(entries(cache).length, 2);
  // x holds the folder x + y too: its case is one of x's.
  t.deepEqual(
    cachedCatalogue([x, y], cache)?.cases.map((c) => c.id),
    ["a", `${y.slice(1)}/c`, "b"],
  );
  t.deepEqual(
    cachedCatalogue([xy], cache)?.cases.map((c) => c.id),
    ["c"],
  );
});

test("a case file of exactly the size limit is cached; the limit is the loader's", async (t) => {
  const dir = fresh(t);
  const pad = MAX_FILE_BYTES - CASE.length - 2;
  const text = `${CASE}#${"x".repeat(pad)}\n`;
  t.is(Buffer.byteLength(text), MAX_FILE_BYTES);
  const cases = folder(join(dir, "cases"), { "big.yaml": text });
  const cache = join(dir, "cache");
  t.is((await loadCatalogueCached([cases], cache)).cases.length, 1);
  t.is(entries(cache).length, 1);
  t.truthy(cachedCatalogue([cases], cache));
});

test("an entry that cannot be put in place leaves no temporary file behind", async (t) => {
  const dir = fresh(t);
  const cases = folder(join(dir, "cases"), { "one.yaml": CASE });
  const cache = join(dir, "cache");
  await loadCatalogueCached([cases], cache);
  const [name] = entries(cache);
  // The entry's name taken by a folder that is not empty: the rename onto it fails.
  rmSync(join(cache, name!));
  mkdirSync(join(cache, name!, "inside"), { recursive: true });
  t.is((await loadCatalogueCached([cases], cache)).cases.length, 1);
  t.deepEqual(readdirSync(cache), [name]);
  t.is(cachedCatalogue([cases], cache), undefined);
});

test("a case file that is a FIFO is read by the loader only: the catalogue has its case, and no entry is kept", async (t) => {
  const dir = fresh(t);
  const cases = folder(join(dir, "cases"), {});
  const fifo = join(cases, "piped.yaml");
  t.is(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo");
  // A writer that gives the case to each reader that opens the FIFO, until the test ends. After each copy
  // it waits for that reader to close the FIFO (a non-blocking open for writing fails with ENXIO once no
  // reader has it open), so that a reader never gets a second copy however slow it is.
  const writer = spawn(process.execPath, [
    "-e",
    `const fs = require("node:fs");
     const nap = new Int32Array(new SharedArrayBuffer(4));
     const readerGone = () => {
       try {
         fs.closeSync(fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
         return false;
       } catch (e) {
         if (e.code === "ENXIO") return true;
         throw e;
       }
     };
     for (;;) {
       fs.writeFileSync(${JSON.stringify(fifo)}, ${JSON.stringify(CASE)});
       while (!readerGone()) Atomics.wait(nap, 0, 0, 5);
     }`,
  ]);
  t.teardown(() => writer.kill());
  const cache = join(dir, "cache");
  t.deepEqual(
    (await loadCatalogueCached([cases], cache)).cases.map((c) => [c.id, c.title]),
    [["piped", "t"]],
  );
  t.false(existsSync(cache), "no entry, not even the cache folder");
});
