// Preloaded with --require: when the process exits, writes every module it loaded (require.cache) to
// the file REUSELAB_LOADED_MODULES names, one path a line.
const { writeFileSync } = require("node:fs");
process.on("exit", () =>
  writeFileSync(process.env.REUSELAB_LOADED_MODULES, `${Object.keys(require.cache).join("\n")}\n`),
);
