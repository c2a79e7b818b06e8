#!/usr/bin/env node
// The `reuselab` command: runs the TypeScript CLI through ts-node (transpile only; `npm run typecheck` checks types).
require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "../../tsconfig.json") });
require("./main.ts").runCli();
