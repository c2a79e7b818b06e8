// The JUnit file's details on a session built here (no backend): a suite's start, host and id, the
// evidence of a failure with and without its step, errors before failures, the steps under a known
// failure, fairness figures where the step asked for them, and what XML cannot carry as it is.
import test from "ava";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { EventBus, type LabEvent } from "../../lab/events/events";
import { JunitReporter } from "../../lab/report/junit-reporter";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";
import { disagreement, kernels, runOf, stepResult } from "./results";

const temp = tempFolder("junit-details");
test.after.always(() => temp.remove());
let files = 0;

const base = (id: string, kernel = "host") => runOf(id, kernel, { durationMs: 1234 });
const fairness = { mean: 100, maxDeviationPct: 10, chiSquare: 2, degreesOfFreedom: 1, pValue: 0.16, fair: false };
const group = (expect: string, ok = true) =>
  stepResult(
    expect,
    { ret: 0, count: 200, counts: { m1: 90, m2: 110 }, fairness, trace: ["recv m1 = 90", "recv m2 = 110"] },
    { line: 14, actor: "m", call: "recv-group s", ok },
  );
const finished = (results: RunResult[], durationMs = 2500): LabEvent => ({
  type: "session-finished",
  kernels,
  results,
  claims: [],
  audit: [],
  knownBugs: { kernels: {}, staleAllowlist: [] },
  durationMs,
  interrupted: false,
});

async function junit(results: RunResult[], durationMs?: number): Promise<string> {
  const file = join(temp.dir, `${files++}.xml`);
  const bus = new EventBus().add(new JunitReporter(file));
  bus.emit(finished(results, durationMs));
  await bus.close();
  return readFileSync(file, "utf8");
}
const testcase = (xml: string, name: string, kernel = "host") =>
  new RegExp(`<testcase classname="${name}" name="v@${kernel.replace(".", "\\.")}"[^]*?(/>|</testcase>)`).exec(
    xml,
  )?.[0] ?? "";

test("each suite: when the session started (its end less its duration), on which host, its index, its runs' summed time", async (t) => {
  const before = Date.now();
  const xml = await junit(
    [
      { ...base("a"), outcome: "passed", steps: [] },
      { ...base("b"), durationMs: 1, outcome: "passed", steps: [] },
    ],
    3_600_000,
  );
  const after = Date.now();
  const host =
    /<testsuite name="reuselab@host" tests="2" failures="0" errors="0" skipped="0" time="1\.235" timestamp="([0-9T:-]+)" hostname="([^"]*)" id="0">/.exec(
      xml,
    );
  t.truthy(host, xml);
  const started = Date.parse(`${host![1]}Z`);
  t.true(
    started >= Math.floor((before - 3_600_000) / 1000) * 1000 && started <= after - 3_600_000,
    `${host![1]} is an hour before the session ended`,
  );
  t.is(host![2], hostname());
  t.regex(
    xml,
    new RegExp(
      `<testsuite name="reuselab@5\\.10" tests="0" failures="0" errors="0" skipped="0" time="0\\.000" timestamp="${host![1]}" hostname="[^"]*" id="1">`,
    ),
  );
  t.regex(xml, /<testsuites name="reuselab" tests="2" failures="0" errors="0" time="3600\.000">/);
  t.regex(
    xml,
    /<properties>\n {6}<property name="kernel" value="host"\/>\n {6}<property name="kernel\.release" value="6\.18\.44"\/>\n {4}<\/properties>/,
  );
});

test("a failure's evidence: the step's expectation, its observation (with fairness when it asked for it) and trace; without its step, the message", async (t) => {
  const fair = {
    file: "cases/c.yaml",
    line: 14,
    actor: "m",
    call: "recv-group s",
    message: "expected total 200, fair but got uneven",
  };
  const elsewhere = { file: "cases/c.yaml", line: 20, actor: "m", message: "the actor is gone" };
  const xml = await junit([
    { ...base("f"), outcome: "failed", failures: [fair, elsewhere], steps: [group("total 200, fair", false)] },
  ]);
  t.regex(
    testcase(xml, "f"),
    new RegExp(
      [
        '<failure message="cases/c\\.yaml:14: m: recv-group s: expected total 200, fair but got uneven" type="kernel-disagrees">cases/c\\.yaml:14',
        "actor: {4}m",
        "call: {5}recv-group s",
        "expected: total 200, fair",
        "observed: 90/110 \\(total 200, max deviation 10%, chi-square 2, p=0\\.16 \\(uneven\\)\\)",
        " {2}recv m1 = 90",
        " {2}recv m2 = 110",
        '</failure>\n {6}<failure message="cases/c\\.yaml:20: m: the actor is gone" type="kernel-disagrees">cases/c\\.yaml:20',
        "actor: {4}m",
        "the actor is gone",
        "</failure>",
      ].join("\n"),
    ),
  );
  t.regex(
    testcase(xml, "f"),
    /<system-out>FAIL cases\/c\.yaml:14: m: recv-group s: expected total 200, fair, observed 90\/110 \(total 200, max deviation 10%, chi-square 2, p=0\.16 \(uneven\)\)\n {7}recv m1 = 90\n {7}recv m2 = 110\n<\/system-out>/,
  );
});

test("a step that did not ask for fairness shows the counts without it", async (t) => {
  const xml = await junit([{ ...base("p"), outcome: "passed", steps: [group("total 200")] }]);
  t.regex(
    testcase(xml, "p"),
    /<system-out>ok {3}cases\/c\.yaml:14: m: recv-group s: expected total 200, observed 90\/110 \(total 200\)\n/,
  );
});

test("a run with a lab error and a disagreement: a failure (the kernel spoke), its <error> first as the schema wants", async (t) => {
  const lab = { file: "cases/c.yaml", line: 1, message: "the lab failed" };
  const xml = await junit([
    { ...base("both"), outcome: "failed", failures: [disagreement, lab], steps: [] },
    { ...base("lab"), outcome: "failed", failures: [lab], steps: [] },
  ]);
  t.regex(xml, /<testsuite name="reuselab@host" tests="2" failures="1" errors="1" /);
  t.regex(
    testcase(xml, "both"),
    /<error message="cases\/c\.yaml:1: the lab failed" type="lab-error">cases\/c\.yaml:1\nthe lab failed\n<\/error>\n {6}<failure message="cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok but got -1 EADDRINUSE" type="kernel-disagrees">cases\/c\.yaml:9\nactor: {4}b\ncall: {5}bind udp 0\.0\.0\.0:53\nexpected ok but got -1 EADDRINUSE\n<\/failure>/,
  );
});

test("a known failure with steps: the note, its failures, a blank line, then the steps", async (t) => {
  const step = stepResult(
    "ok",
    { ret: -1, errno: "EADDRINUSE", trace: ["bind s 0.0.0.0 53 = -1 EADDRINUSE"] },
    { ok: false },
  );
  const xml = await junit([
    { ...base("x"), outcome: "xfail", reason: "known", failures: [disagreement], steps: [step] },
  ]);
  t.regex(
    testcase(xml, "x"),
    /<system-out>known failure \(xfail\): known\n {2}cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok but got -1 EADDRINUSE\n\nFAIL cases\/c\.yaml:9: b: bind udp 0\.0\.0\.0:53: expected ok, observed -1 EADDRINUSE\n {7}bind s 0\.0\.0\.0 53 = -1 EADDRINUSE\n<\/system-out>\n {4}<\/testcase>/,
  );
});

test("what XML cannot carry: control characters, lone surrogates and U+FFFE shown as \\u{…}; in attributes tab, LF, CR and quotes as references", async (t) => {
  const message = "a\tb\nc\rd \"q\" 'a' <x> & \u0007 \uD800 \uFFFE \u{1F600} \u00E9";
  const xml = await junit([
    { ...base("esc"), outcome: "failed", failures: [{ file: "cases/c.yaml", line: 2, message }], steps: [] },
  ]);
  t.regex(
    xml,
    /<error message="cases\/c\.yaml:2: a&#9;b&#10;c&#13;d &quot;q&quot; 'a' &lt;x&gt; &amp; \\u\{7\} \\u\{d800\} \\u\{fffe\} \u{1F600} \u00E9" type="lab-error">/u,
  );
  t.regex(
    xml,
    /type="lab-error">cases\/c\.yaml:2\na\tb\nc&#13;d "q" 'a' &lt;x&gt; &amp; \\u\{7\} \\u\{d800\} \\u\{fffe\} \u{1F600} \u00E9\n<\/error>/u,
  );
});
