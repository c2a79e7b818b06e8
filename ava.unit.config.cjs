// The unit tier, `npm run test:unit`: the test files that need no container engine, no root and no QEMU
// (each was run as the user nobody with no engine reachable). `npm test` runs them too, with the rest.
// Not here, though they run as nobody: those that spawn the CLI or shell scripts, or fetch kernels.
const base = require("./package.json").ava;

module.exports = {
  ...base,
  files: [
    "test/api/audit-options.test.ts",
    "test/audit/audit-file.test.ts",
    "test/audit/audit-stability.test.ts",
    "test/audit/profile-verdicts.test.ts",
    "test/audit/quick-audit.test.ts",
    "test/backend/holder-choice.test.ts",
    "test/backend/namespace-caps.test.ts",
    "test/backend/host-kernel.test.ts",
    "test/backend/probe-hello.test.ts",
    "test/bench/bench-logic.test.ts",
    "test/case/*.test.ts",
    "test/cli/exit-codes.test.ts",
    "test/debug-log.test.ts",
    "test/findings/*.test.ts",
    "test/interruption.test.ts",
    "test/layers.test.ts",
    "test/kernels/kernels-file.test.ts",
    "test/kernels/provenance.test.ts",
    "test/plan/*.test.ts",
    "test/probe/command-table.test.ts",
    "test/probe/protocol.test.ts",
    "test/report/*.test.ts",
    "!test/report/html-reporter.test.ts", // a real run on the netns backend (root), then Chromium
    "!test/report/junit-reporter.test.ts", // a real run on the netns backend (root)
    "test/run/*.test.ts",
    "test/steps/*.test.ts",
    "test/verdict/*.test.ts",
  ],
  timeout: "60s",
};
