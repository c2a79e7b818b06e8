// Turns lab/ and test/ into plain JavaScript under .mutation-js/ (ts-node's transpile-only, once), for
// `npm run test:unit` (ava then loads compiled files instead of transpiling every file again in every
// worker: 28 s instead of 81 s here) and for StrykerJS (stryker.config.cjs), in its dry run (no active
// mutant), so that each mutant's test run loads compiled files (a mutant run then costs a third).
// Stryker instruments every mutant into the code at once and picks one by an environment variable, so
// one compilation serves the whole session.
if (process.env.__STRYKER_ACTIVE_MUTANT__) process.exit(0);

const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const ts = require("typescript");
const OUT = ".mutation-js";
const compilerOptions = {
  ...ts.parseJsonConfigFileContent(require("../../tsconfig.json"), ts.sys, ".").options,
  sourceMap: false,
};
// A file removed from lab/ or test/ must not live on here: start from nothing.
rmSync(OUT, { recursive: true, force: true });
for (const top of ["lab", "test"]) {
  for (const entry of readdirSync(top, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".d.ts")) continue;
    const file = join(entry.parentPath, entry.name);
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file });
    const out = join(OUT, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
}
