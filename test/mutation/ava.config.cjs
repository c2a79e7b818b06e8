// The unit tier (ava.unit.config.cjs) compiled by compile.cjs: what `npm run test:unit` and StrykerJS
// (stryker.config.cjs) run.
const unit = require("../../ava.unit.config.cjs");

module.exports = {
  files: unit.files.map((f) => f.replace(/^(!?)test\//, "$1.mutation-js/test/").replace(/\.ts$/, ".js")),
  timeout: "60s",
  concurrency: 2,
};
