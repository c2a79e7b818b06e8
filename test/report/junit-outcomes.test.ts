// The JUnit file from a session built here (no backend, no root): how each outcome counts and shows,
// per kernel and in total, and the escaping of what a probe may write. The file's validation against
// junit-4.xsd on a real run is test/report/junit-reporter.test.ts (root).
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EventBus } from "../../lab/events/events";
import { JunitReporter } from "../../lab/report/junit-reporter";
import type { RunResult, StepResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";
import { disagreement, kernels, runOf } from "./results";

const step = (ok: boolean, observed: StepResult["observed"]): StepResult => ({
  file: "cases/c.yaml",
  line: 9,
  actor: "b",
  call: "bind udp 0.0.0.0:53",
  expected: "ok",
  observed,
  ok,
  expectation: { kind: "ok" },
  verb: "bind",
});
const results: RunResult[] = [
  {
    ...runOf("pass"),
    outcome: "passed",
    steps: [step(true, { ret: 0, errno: null, trace: ["bind s 0.0.0.0 53 = 0"] })],
  },
  {
    ...runOf("fail"),
    outcome: "failed",
    failures: [disagreement],
    steps: [step(false, { ret: -1, errno: "EADDRINUSE", trace: ["bind s 0.0.0.0 53 = -1 EADDRINUSE"] })],
  },
  {
    ...runOf("lab"),
    outcome: "failed",
    failures: [{ file: "cases/lab.yaml", line: 1, message: 'the lab failed: no <netns> & "quotes"\u0001' }],
  },
  { ...runOf("known"), outcome: "xfail", reason: "the kernel says no", failures: [disagreement] },
  { ...runOf("stale"), outcome: "xpass", reason: "was broken" },
  { ...runOf("old"), outcome: "skipped", reason: "needs a kernel <3.9" },
  { ...runOf("pass", "5.10"), outcome: "passed" },
];

async function junit(events: Parameters<EventBus["emit"]>[0][]): Promise<string> {
  const { dir, remove } = tempFolder("junit-outcomes");
  try {
    const file = join(dir, "sub", "junit.xml");
    const bus = new EventBus().add(new JunitReporter(file));
    for (const e of events) bus.emit(e);
    await bus.close();
    return readFileSync(file, "utf8");
  } finally {
    remove();
  }
}
const finished = {
  type: "session-finished" as const,
  kernels,
  results,
  claims: [],
  audit: [],
  knownBugs: { kernels: {}, staleAllowlist: [] },
  durationMs: 4000,
  interrupted: false,
};
const suite = (xml: string, kernel: string) =>
  new RegExp(`<testsuite name="reuselab@${kernel.replace(".", "\\.")}"[^>]*>`).exec(xml)?.[0] ?? "";
const testcase = (xml: string, name: string) =>
  new RegExp(`<testcase classname="${name}" name="v@host"[^]*?(/>|</testcase>)`).exec(xml)?.[0] ?? "";

test("counts: a disagreement and an xpass are failures, a lab that could not run an error, an xfail a pass, a skip skipped", async (t) => {
  const xml = await junit([
    { type: "session-started", backend: "netns", kernels, runs: [], leftoversRemoved: {} },
    finished,
  ]);
  t.regex(
    xml,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="reuselab" tests="7" failures="2" errors="1" time="4\.000">/,
  );
  t.regex(suite(xml, "host"), / tests="6" failures="2" errors="1" skipped="1" time="9\.000" /);
  t.regex(suite(xml, "5.10"), / tests="1" failures="0" errors="0" skipped="0" time="1\.500" .* id="1"/);
  t.regex(xml, /<property name="kernel\.release" value="5\.10\.0-46-cloud-amd64"\/>/);
  t.regex(xml, /<property name="backend" value="netns"\/>/);
  t.notRegex(xml, /name="interrupted"/);
});

test("each outcome's testcase: failure with the evidence, error, xpass, xfail noted, skipped with its reason", async (t) => {
  const xml = await junit([finished]);
  t.notRegex(xml, /name="backend"/, "no session-started: no backend property");
  const fail = testcase(xml, "fail");
  t.regex(
    fail,
    /<failure message="cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok but got -1 EADDRINUSE" type="kernel-disagrees">cases\/c\.yaml:9\nactor: {4}b\ncall: {5}bind udp 0\.0\.0\.0:53\nexpected: ok\nobserved: -1 EADDRINUSE\n {2}bind s 0\.0\.0\.0 53 = -1 EADDRINUSE\n<\/failure>/,
  );
  t.regex(
    fail,
    /<system-out>FAIL cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok, observed -1 EADDRINUSE\n {7}bind s 0\.0\.0\.0 53 = -1 EADDRINUSE\n<\/system-out>/,
  );
  const lab = testcase(xml, "lab");
  t.regex(
    lab,
    /<error message="cases\/lab\.yaml:1: the lab failed: no &lt;netns&gt; &amp; &quot;quotes&quot;\\u\{1\}" type="lab-error">/,
  );
  t.notRegex(lab, /<failure/);
  t.regex(
    testcase(xml, "stale"),
    /<failure message="expected to fail \(was broken\) but passed: update the case" type="xpass"\/>/,
  );
  const known = testcase(xml, "known");
  t.notRegex(known, /<failure|<error/);
  t.regex(
    known,
    /<system-out>known failure \(xfail\): the kernel says no\n {2}cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok but got -1 EADDRINUSE\n<\/system-out>/,
  );
  t.regex(
    testcase(xml, "old"),
    /<skipped>needs a kernel &lt;3\.9<\/skipped>\n {6}<system-out>skipped: needs a kernel &lt;3\.9\n<\/system-out>/,
  );
  t.regex(
    testcase(xml, "pass"),
    /<system-out>ok {3}cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok, observed ok \(ret 0\)\n/,
  );
  t.regex(
    xml,
    /<testcase classname="pass" name="v@5\.10" time="1\.500"\/>/,
    "a run with nothing to say is an empty element",
  );
});

test("an interrupted session says so on every suite; no session-finished writes no file", async (t) => {
  t.is(
    (await junit([{ ...finished, interrupted: true }])).match(/<property name="interrupted" value="true"\/>/g)?.length,
    2,
  );
  const { dir, remove } = tempFolder("junit-none");
  const file = join(dir, "junit.xml");
  await new JunitReporter(file).close();
  t.throws(() => readFileSync(file));
  remove();
});
