// The JUnit reporter on a real run (netns backend, the host's kernel): the file validates against
// Jenkins' junit-4.xsd, and what CI reads from it (counts, failure messages, skip reasons, steps) is
// what the kernel did. The XML is read back with xmllint's XPath, a real parser, not regexes.
import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import type { RunResult } from "../../lab/verdict/outcome";
import { JunitReporter } from "../../lab/report/junit-reporter";
import { runWith, tempFolder } from "./real-run";

const XSD = "test/fixtures/junit/jenkins-junit-4.xsd";
const temp = tempFolder("junit");
// A folder that does not exist yet: the reporter makes it.
const file = join(temp.dir, "reports", "junit.xml");
let results: RunResult[] = [];

test.before(async () => {
  results = (await runWith(new JunitReporter(file))).results;
});

test.after.always(() => temp.remove());

// xmllint ends what it prints with a newline of its own.
const xpath = (expr: string): string =>
  execFileSync("xmllint", ["--xpath", expr, file], { encoding: "utf8" }).replace(/\n$/, "");
const num = (expr: string): number => Number(xpath(expr));
const testcase = (id: string): string => {
  const r = results.find((x) => x.id === id)!;
  return `//testcase[@classname="${r.case}" and @name="${r.variant}@${r.kernel}"]`;
};

test("the run gave what the selection promises: passes, a failure, an xfail and a skip", (t) => {
  const outcomes = Object.fromEntries(results.map((r) => [r.id, r.outcome]));
  t.like(
    outcomes,
    {
      "uid-rule/tcp-reuseport-needs-same-uid.other-uid@host": "passed",
      "hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host": "passed",
      "wrong-expectation.default@host": "failed",
      "known-wrong-uid-rule.default@host": "xfail",
      "reuseport-before-3-9.default@host": "skipped",
    },
    JSON.stringify(results.filter((r) => r.outcome === "failed").map((r) => r.outcome === "failed" && r.failures)),
  );
  t.is(results.length, 7);
});

test("the report validates against Jenkins' junit-4.xsd", (t) => {
  const v = spawnSync("xmllint", ["--noout", "--schema", XSD, file], { encoding: "utf8" });
  t.is(v.status, 0, v.stderr);
  t.regex(v.stderr, /validates/);
});

test("the schema check can fail: the same report with a <skipped message=…> (not in junit-4) is rejected", (t) => {
  const broken = join(temp.dir, "broken.xml");
  const xml = readFileSync(file, "utf8");
  t.true(xml.includes("<skipped>"));
  writeFileSync(broken, xml.replace("<skipped>", '<skipped message="x">'));
  const v = spawnSync("xmllint", ["--noout", "--schema", XSD, broken], { encoding: "utf8" });
  t.not(v.status, 0);
  t.regex(v.stderr, /attribute 'message' is not allowed/);
});

test("one suite per kernel, with its release; the counts are those of the run", (t) => {
  t.is(num("count(/testsuites/testsuite)"), 1);
  const suite = '/testsuites/testsuite[@name="reuselab@host"]';
  t.is(xpath(`string(${suite}/properties/property[@name="kernel.release"]/@value)`), release());
  t.is(xpath(`string(${suite}/properties/property[@name="backend"]/@value)`), "netns");
  t.is(num(`count(${suite}/testcase)`), results.length);
  t.is(num(`string(${suite}/@tests)`), 7);
  t.is(num(`string(${suite}/@failures)`), 1);
  t.is(num(`string(${suite}/@errors)`), 0);
  t.is(num(`string(${suite}/@skipped)`), 1);
  t.is(num(`count(${suite}/testcase/failure)`), 1);
  t.is(num(`count(${suite}/testcase/skipped)`), 1);
  t.like(
    {
      tests: num("string(/testsuites/@tests)"),
      failures: num("string(/testsuites/@failures)"),
      errors: num("string(/testsuites/@errors)"),
    },
    { tests: 7, failures: 1, errors: 0 },
  );
  const sum = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
  t.true(Math.abs(num(`string(${suite}/@time)`) - sum) < 0.001, `suite time is the sum of its runs': ${sum}`);
});

test("each run is a testcase named case / variant@kernel, with its time in seconds", (t) => {
  for (const r of results) {
    t.is(num(`count(${testcase(r.id)})`), 1, r.id);
    t.is(num(`string(${testcase(r.id)}/@time)`), Number((r.durationMs / 1000).toFixed(3)), r.id);
  }
});

test("the failure names file:line, actor, call, and the errno the kernel answered", (t) => {
  const failure = `${testcase("wrong-expectation.default@host")}/failure`;
  t.is(
    xpath(`string(${failure}/@message)`),
    "test/fixtures/failing/wrong-expectation.yaml:13: second: bind tcp 0.0.0.0:8080 reuseport: expected ok but got -1 EADDRINUSE",
  );
  const body = xpath(`string(${failure})`);
  t.regex(
    body,
    /^test\/fixtures\/failing\/wrong-expectation\.yaml:13\nactor: {4}second\ncall: {5}bind tcp 0\.0\.0\.0:8080 reuseport\nexpected: ok\nobserved: -1 EADDRINUSE\n/,
  );
  t.regex(body, /bind s1 0\.0\.0\.0 8080 = -1 EADDRINUSE/);
});

test("every step is in system-out, expected vs observed; the skip has its reason; a pass has no failure", (t) => {
  const out = xpath(`string(${testcase("wrong-expectation.default@host")}/system-out)`);
  t.regex(
    out,
    /^ok {3}test\/fixtures\/failing\/wrong-expectation\.yaml:11: first: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok, observed ok \(ret 0\)$/m,
  );
  t.regex(
    out,
    /^FAIL test\/fixtures\/failing\/wrong-expectation\.yaml:13: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok, observed -1 EADDRINUSE$/m,
  );
  const hijack = xpath(
    `string(${testcase("hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host")}/system-out)`,
  );
  t.regex(hijack, /attacker: recv: expected 20, observed 20$/m);
  t.is(num(`count(${testcase("hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host")}/failure)`), 0);
  t.regex(
    xpath(`string(${testcase("reuseport-before-3-9.default@host")}/skipped)`),
    new RegExp(
      `^needs a kernel <3\\.9 \\(this is ${release().replace(/[.+]/g, "\\$&")}\\): SO_REUSEPORT exists from 3\\.9 on$`,
    ),
  );
});

test("an xfail passes with the known failure noted; markup, quotes and a control character in its reason come back as text", (t) => {
  const known = testcase("known-wrong-uid-rule.default@host");
  t.is(num(`count(${known}/failure | ${known}/error | ${known}/skipped)`), 0);
  const out = xpath(`string(${known}/system-out)`);
  t.true(
    out.startsWith(
      `known failure (xfail): the kernel keeps SO_REUSEPORT groups to one uid; <b>kept</b> wrong & "on purpose" for the reporters' tests \\u{1b}[31m\n`,
    ),
    out,
  );
  t.regex(
    out,
    /known-wrong-uid-rule\.yaml:16: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok but got -1 EADDRINUSE/,
  );
  t.false(readFileSync(file, "utf8").includes("\x1b"), "no raw ESC in the file");
});
