// The --json file from a session built here (no backend): the results contract, field by field (each
// claim's audit with its quote, section and line in the seed guide; the known bugs; the stale
// allowlist), two-space indented with a final newline, in a folder made for it; nothing without a session.
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import type { Claim } from "../../lab/case/claims";
import { EventBus, type LabEvent } from "../../lab/events/events";
import { JsonReporter } from "../../lab/report/json-reporter";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { KnownBug } from "../../lab/findings/known-bugs";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";
import { stepResult } from "./results";

const temp = tempFolder("json");
test.after.always(() => temp.remove());

const kernels: KernelInfo[] = [
  { id: "host", release: "6.18.44" },
  { id: "5.10", release: "5.10.0-46-cloud-amd64", build: "Linux version 5.10.0-46" },
];
const claim = (id: string, line: number): Claim => ({
  id,
  topic: "tcp",
  section: `Section of ${id}`,
  line,
  quote: `Quote of ${id}.`,
  file: "cases/claims.yaml",
  declaredAt: line + 100,
});
const claims = [claim("first", 10), claim("second", 20), claim("not-audited", 30)];
const audit: ClaimAudit[] = [
  {
    id: "second",
    verdicts: { host: "refuted", "5.10": "untested" },
    evidence: ["c.v@host"],
    relations: { "c.v@host": "refutes" },
  },
  {
    id: "first",
    verdicts: { host: "confirmed", "5.10": "confirmed" },
    evidence: ["c.v@host", "c.v@5.10"],
    relations: { "c.v@host": "confirms", "c.v@5.10": "confirms" },
  },
];
const results: RunResult[] = [
  {
    id: "c.v@host",
    case: "c",
    variant: "v",
    kernel: "host",
    durationMs: 12,
    outcome: "passed",
    steps: [stepResult("EADDRINUSE", { ret: -1, errno: "EADDRINUSE", trace: ["bind s 0.0.0.0 53 = -1 EADDRINUSE"] })],
  },
  {
    id: "d.v@host",
    case: "d",
    variant: "v",
    kernel: "host",
    durationMs: 3,
    outcome: "skipped",
    reason: "needs a kernel >=9.0",
    steps: [],
  },
];
const bug: KnownBug = {
  case: "c",
  fix: "0123456789ab",
  subject: "a fix",
  status: "absent",
  evidence: ["c.v@host"],
  predicted: "present",
  because: "6.18.44 is after the fix",
  disagrees: true,
};
const stale = { case: "c", kernel: "host", reason: "r", file: "allow.yaml", line: 3, evidence: ["c.v@host"] };
const finished: LabEvent = {
  type: "session-finished",
  kernels,
  results,
  claims,
  audit,
  knownBugs: { kernels: { host: [bug], "5.10": [] }, staleAllowlist: [stale] },
  durationMs: 40,
  interrupted: false,
};

async function written(file: string, events: LabEvent[]): Promise<string | undefined> {
  const bus = new EventBus().add(new JsonReporter(file));
  for (const e of events) bus.emit(e);
  await bus.close();
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

test("the results file: schema 1, kernels, runs, each audited claim with its quote, section and seed line, known bugs, stale entries", async (t) => {
  const text = await written(join(temp.dir, "a", "b", "results.json"), [finished]);
  t.truthy(text);
  t.true(text!.endsWith("}\n"));
  t.true(text!.startsWith('{\n  "schema": 1,\n  "kernels": [\n    {\n      "id": "host",'), text!.slice(0, 80));
  t.deepEqual(JSON.parse(text!), {
    schema: 1,
    kernels,
    // Schema 1 writes a step as the case file words it: its expectation as data and its verb stay in the engine.
    runs: results.map((r) => ({ ...r, steps: r.steps.map(({ expectation: _e, verb: _v, ...written }) => written) })),
    claims: [
      {
        id: "second",
        verdicts: { host: "refuted", "5.10": "untested" },
        evidence: ["c.v@host"],
        relations: { "c.v@host": "refutes" },
        quote: "Quote of second.",
        section: "Section of second",
        seedLine: 20,
      },
      {
        id: "first",
        verdicts: { host: "confirmed", "5.10": "confirmed" },
        evidence: ["c.v@host", "c.v@5.10"],
        relations: { "c.v@host": "confirms", "c.v@5.10": "confirms" },
        quote: "Quote of first.",
        section: "Section of first",
        seedLine: 10,
      },
    ],
    knownBugs: { host: [bug], "5.10": [] },
    staleAllowlist: [stale],
  });
});

test("no session-finished, no file; the events before it leave nothing", async (t) => {
  const file = join(temp.dir, "none", "results.json");
  t.is(
    await written(file, [{ type: "session-started", backend: "netns", kernels, runs: [], leftoversRemoved: {} }]),
    undefined,
  );
  t.false(existsSync(join(temp.dir, "none")));
});
