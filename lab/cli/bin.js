#!/usr/bin/env node
// The `reuselab` command. An installed package runs the compiled CLI (dist/, made by `npm run build`,
// which `npm pack` runs first). A clone without a build runs the TypeScript through ts-node
// (transpile only; `npm run typecheck` checks types): a clone's `npm run lab` always does.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const compiled = join(__dirname, "../../dist/cli/main.js");
if (existsSync(compiled)) {
  require(compiled).runCli();
} else {
  require("ts-node").register({ transpileOnly: true, project: join(__dirname, "../../tsconfig.json") });
  require("./main.ts").runCli();
}
