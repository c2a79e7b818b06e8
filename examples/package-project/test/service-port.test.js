// node:test in a project that depends on reuselab: the project's own cases run on the netns backend
// (root, no Docker engine needed), and every run must pass.
const test = require("node:test");
const assert = require("node:assert/strict");
const { join } = require("node:path");
const { runCases, LabError } = require("reuselab");

test("another uid cannot join our service's reuseport group", async () => {
  const results = await runCases({ cases: [join(__dirname, "../cases")], backend: "netns" });
  assert.equal(results.schema, 1);
  assert.deepEqual(
    results.runs.map((r) => `${r.id} ${r.outcome}`),
    ["service-port-not-shared.default@host passed"],
  );
  const intruder = results.runs[0].steps.find((s) => s.actor === "intruder");
  assert.equal(intruder.observed.errno, "EADDRINUSE");
});

test("a cases folder that does not exist is a LabError naming it, before anything starts", async () => {
  await assert.rejects(
    runCases({ cases: [join(__dirname, "fixtures-none")], backend: "netns" }),
    (e) => e instanceof LabError && /fixtures-none/.test(e.message),
  );
});
