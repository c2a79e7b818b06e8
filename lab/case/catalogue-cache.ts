/**
 * The validated catalogue kept on disk, so that `list` and `explain` neither load the YAML library nor
 * parse 70 case files at every start (most of their time). An entry is used only when the content of
 * everything that made it is unchanged: every case file and claims.yaml found now (the folders walked
 * afresh: names, ids and bytes), and every file of the lab's own code loaded when it was made (with the
 * package.json of each library). Only a catalogue without problems is kept: one with problems is
 * loaded, and reported, afresh every time. A cache that cannot be read or written costs time, never a
 * different answer.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { deserialize, serialize } from "node:v8";
import { cacheDir } from "../cache-dir";
import { CLAIMS_FILE, findCaseFiles } from "./case-files";
import type { Catalogue } from "./load-cases";
import { MAX_FILE_BYTES } from "./raw-text";
import { debugLog } from "../debug-log";

/** Entries kept: one per working folder and --cases; the least recently used go first. */
const MAX_ENTRIES = 16;

interface Entry {
  inputs: string;
  code: [string, string][];
  catalogue: Catalogue;
}

export function catalogueCacheDir(): string {
  return join(cacheDir(), "catalogue");
}

/** loadCatalogue(paths), from the cache when nothing that made the entry has changed. */
export async function loadCatalogueCached(paths: readonly string[], dir = catalogueCacheDir()): Promise<Catalogue> {
  const inputs = inputsDigest(paths);
  const file = inputs === undefined ? undefined : entryFile(paths, dir);
  const cached = file && readEntry(file, inputs!);
  if (cached) return cached;
  const catalogue = (await import("./load-cases")).loadCatalogue(paths);
  if (file) writeEntry(file, { inputs: inputs!, code: codeFiles(), catalogue }, dir);
  return catalogue;
}

/** The cached catalogue for `paths` when its entry is still good, else undefined (reads only). */
export function cachedCatalogue(paths: readonly string[], dir = catalogueCacheDir()): Catalogue | undefined {
  const inputs = inputsDigest(paths);
  return inputs === undefined ? undefined : readEntry(entryFile(paths, dir), inputs);
}

/** Case ids refer to files relative to the working folder: an entry per folder, per --cases, per Node (the serialization's). */
function entryFile(paths: readonly string[], dir: string): string {
  return join(
    dir,
    `${sha([process.version, process.cwd(), ...paths.map((p) => resolve(p))].join("\0")).slice(0, 32)}.v8`,
  );
}

/**
 * Every case file and claims file of the catalogue: path, id and bytes. Undefined, and no cache, when
 * one cannot be read, or is not a plain file of a case file's size (a FIFO read here would be read
 * empty by the loader): loading says what is wrong with it.
 */
function inputsDigest(paths: readonly string[]): string | undefined {
  const { files, roots } = findCaseFiles(paths);
  if (!files.length) return undefined;
  const h = createHash("sha256");
  for (const root of roots) {
    const claims = join(root, CLAIMS_FILE);
    const digest = existsSync(claims) ? fileDigest(claims) : "absent";
    if (digest === undefined) return undefined;
    h.update(`${root}\0${digest}\0`);
  }
  for (const [file, id] of files) {
    const digest = fileDigest(file);
    if (digest === undefined) return undefined;
    h.update(`${file}\0${id}\0${digest}\0`);
  }
  return h.digest("hex");
}

function fileDigest(file: string): string | undefined {
  try {
    const st = statSync(file);
    return st.isFile() && st.size <= MAX_FILE_BYTES ? sha(readFileSync(file)) : undefined;
  } catch (e) {
    debugLog("case/catalogue-cache", e);
    return undefined;
  }
}

/**
 * The code that made the catalogue: every module loaded so far outside node_modules (a superset of
 * the loader's own), and the package.json of each library loaded (its version).
 */
function codeFiles(): [string, string][] {
  const files = new Set<string>();
  for (const m of Object.keys(require.cache)) {
    const lib = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(m.split(sep).join("/"))?.[1];
    files.add(lib ? join(lib, "package.json") : m);
  }
  return [...files].sort().map((f) => [f, sha(readFileSync(f))]);
}

function readEntry(file: string, inputs: string): Catalogue | undefined {
  try {
    const entry = deserialize(readFileSync(file)) as Entry;
    if (entry.inputs !== inputs) return undefined;
    for (const [f, digest] of entry.code) if (sha(readFileSync(f)) !== digest) return undefined;
    const now = new Date();
    utimesSync(file, now, now);
    return entry.catalogue;
  } catch (e) {
    debugLog("case/catalogue-cache", e); // no entry yet, or one that cannot be read: the catalogue is loaded afresh
    return undefined;
  }
}

/** Written whole under another name, then renamed: a reader never sees half an entry. */
function writeEntry(file: string, entry: Entry, dir: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDir(dir);
    writeFileSync(tmp, serialize(entry));
    renameSync(tmp, file);
    const old = readdirSync(dir)
      .filter((f) => f.endsWith(".v8"))
      .map((f) => ({ f: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at)
      .slice(MAX_ENTRIES);
    for (const { f } of old) unlinkSync(f);
  } catch (e) {
    debugLog("case/catalogue-cache", e); // a cache: the next load makes it again
    try {
      unlinkSync(tmp);
    } catch (e) {
      debugLog("case/catalogue-cache", e); // never written
    }
  }
}

/** mkdir -p, step by step: Node's recursive mkdirSync never returns where mkdir fails with ENOENT under an existing folder (/proc/x). */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || dirname(dir) === dir) throw e;
    makeDir(dirname(dir));
    mkdirSync(dir);
  }
}

function sha(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
