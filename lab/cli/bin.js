#!/usr/bin/env node
// The `reuselab` command. An installed package (which holds no TypeScript) runs the compiled CLI
// (dist/, made by `npm run build`, which `npm pack` runs first). A clone runs its TypeScript, transpiled
// once per file and cached (../dev/ts-cache.cjs; `npm run typecheck` checks types), even when a dist/ is
// there: a build left behind by `npm pack` would otherwise run code older than the clone's.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
if (existsSync(join(__dirname, "main.ts"))) {
  require("../dev/ts-cache.cjs");
  require("./main.ts").runCli();
} else {
  require(join(__dirname, "../../dist/cli/main.js")).runCli();
}
