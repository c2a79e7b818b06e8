// The gate in the engine, with a backend that cannot start a lab: an allowlisted regression run whose
// lab never ran the trigger stays failed (only the kernel's disagreement is the known absence; that
// path, xfail with the allowlist's reason, is tested end to end in test/cli/known-bugs-gate.test.ts).
import test from "ava";
import type { Backend } from "../../lab/backend/backend";
import type { AllowEntry } from "../../lab/case/allowlist";
import { loadCase } from "../../lab/case/load-case";
import { EventBus } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { runCase } from "../../lab/run/run-case";

const regression = loadCase(
  "cases/regressions/r.yaml",
  "regressions/r",
  `schemaVersion: 1
title: t
rule: r
source: s
fix: { commit: d6ace0dbcbb7, subject: s, mainline: "6.2", source: s }
actors: { a: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353
`,
).case!;
const host = { id: "host", release: "6.18.44" };
const allow: AllowEntry[] = [
  { case: "regressions/r", kernel: "host", reason: "known to lack it", source: { file: "allow.yaml", line: 2 } },
];

/** A backend whose lab cannot start. */
const broken: Backend = {
  name: "broken",
  prepare: async () => ({ kernels: [host], leftoversRemoved: {} }),
  start: async () => {
    throw new Error("no namespace for you");
  },
  abort: async () => {},
  [Symbol.asyncDispose]: async () => {},
};

test("an allowlisted run whose lab could not start stays failed; without the allowlist a failure is failed", async (t) => {
  const [allowed] = plan([regression], [host], {}, allow);
  const r = await runCase(allowed!, broken, new EventBus());
  t.is(r.outcome, "failed");
  t.regex(r.outcome === "failed" ? r.failures[0]!.message : "", /the lab failed: .*no namespace for you/);
  const [plain] = plan([regression], [host]);
  t.is((await runCase(plain!, broken, new EventBus())).outcome, "failed");
});
