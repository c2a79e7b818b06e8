// For StrykerJS (stryker.config.cjs): turns lab/ and test/ of the sandbox into plain JavaScript under
// .mutation-js/, once, in the dry run (no active mutant), so that each mutant's test run loads compiled
// files instead of transpiling every file again under ts-node (a mutant run then costs a third).
// Stryker instruments every mutant into the code at once and picks one by an environment variable, so
// one compilation serves the whole session.
if (process.env.__STRYKER_ACTIVE_MUTANT__) process.exit(0);

const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const ts = require("typescript");
const OUT = ".mutation-js";
const compilerOptions = { ...ts.parseJsonConfigFileContent(require("../../tsconfig.json"), ts.sys, ".").options, sourceMap: false };
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
