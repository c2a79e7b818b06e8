// A require hook for the clone's TypeScript: each .ts file is transpiled by TypeScript exactly as
// ts-node's transpile-only does (ts.transpileModule with tsconfig.json's options), and the JavaScript
// is kept in .cache/ts/, named by a hash of its path and of its source, tsconfig.json, TypeScript's
// version and this file. A process that finds every file there never loads TypeScript at all.
// ts-node transpiled every file again in every process: `npm test` starts ~150 ava workers and ~90
// CLI processes, and spent minutes of CPU on it. Types are checked by `npm run typecheck`, not here.
// Use: node -r ./lab/dev/ts-cache.cjs FILE.ts (npm run lab, the benches, ava, the tests' spawns,
// lab/cli/bin.js in a clone). REUSELAB_TS_CACHE names another folder; deleting it is always safe.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { threadId } = require("node:worker_threads");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "../..");
const CACHE = process.env.REUSELAB_TS_CACHE || join(ROOT, ".cache", "ts");
const FORMAT = 1; // bump when what this file writes changes

let ts;
let compilerOptions;
/** What every file's output depends on besides its own text: read once per process. */
let context;

function contextOf() {
  context ??= [
    FORMAT,
    readFileSync(join(ROOT, "tsconfig.json"), "utf8"),
    JSON.parse(readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8")).version,
    readFileSync(__filename, "utf8"),
  ].join("\0");
  return context;
}

function transpile(source, file) {
  ts ??= require(require.resolve("typescript", { paths: [ROOT] }));
  compilerOptions ??= {
    ...ts.parseJsonConfigFileContent(JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")), ts.sys, ROOT)
      .options,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: false,
  };
  return ts.transpileModule(source, { compilerOptions, fileName: file }).outputText;
}

/** A temporary file left by a process killed between its write and its rename (not one being written). */
const stale = (file) => Date.now() - statSync(file).mtimeMs > 600_000;

const sha = (...parts) => createHash("sha256").update(parts.join("\0")).digest("hex");

/**
 * The file's JavaScript: .cache/ts/<hash of its path>/<hash of its source and context>.js. An entry
 * made for the file's current source replaces its older ones, so the cache holds one per file.
 */
function compiled(file) {
  const source = readFileSync(file, "utf8");
  const dir = join(CACHE, sha(file).slice(0, 32));
  const name = `${sha(contextOf(), source)}.js`;
  try {
    return readFileSync(join(dir, name), "utf8");
  } catch {
    // not there yet: made below
  }
  const js = transpile(source, file);
  try {
    mkdirSync(dir, { recursive: true });
    // Workers write the same entry at once: each writes its own file and renames it into place.
    const tmp = join(dir, `${name}.${process.pid}.${threadId}.tmp`);
    writeFileSync(tmp, js);
    renameSync(tmp, join(dir, name));
    for (const old of readdirSync(dir))
      if (old !== name && (!old.endsWith(".tmp") || stale(join(dir, old)))) rmSync(join(dir, old), { force: true });
  } catch {
    // a cache that cannot be written (another user's folder, a read-only clone) only costs time
  }
  return js;
}

if (!require.extensions[".ts"]) {
  process.setSourceMapsEnabled(true); // stack traces name the .ts file's lines
  require.extensions[".ts"] = function (module, file) {
    module._compile(compiled(file), file);
  };
}
