// The unit tier's test files compiled by compile.cjs, for StrykerJS (stryker.config.cjs).
module.exports = {
  files: [".mutation-js/test/**/*.test.js"],
  timeout: "60s",
  concurrency: 2,
};
