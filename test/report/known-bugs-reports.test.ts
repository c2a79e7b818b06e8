// Every reporter's known-bugs section, from one session-finished event built here (no backend): two
// kernels, a fix absent on one (allowed there), present on the other where the version says absent
// (a disagreement), and a stale allowlist entry. The JUnit file is validated and read with xmllint.
import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import type { AllowEntry } from "../../lab/case/allowlist";
import { loadCatalogue } from "../../lab/case/load-cases";
import { EventBus, type LabEvent, type Reporter } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { ConsoleReporter } from "../../lab/report/console-reporter";
import { renderPage } from "../../lab/report/html-reporter";
import { JsonReporter, type ResultsFile } from "../../lab/report/json-reporter";
import { JunitReporter } from "../../lab/report/junit-reporter";
import { knownBugs } from "../../lab/findings/known-bugs";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";

const kernels: KernelInfo[] = [
  { id: "host", release: "6.18.44-fc-v1272" },
  {
    id: "5.10",
    release: "5.10.0-46-cloud-amd64",
    build:
      "Linux version 5.10.0-46-cloud-amd64 (gcc-10 (Debian 10.2.1-6) 10.2.1) #1 SMP Debian 5.10.262-1 (2026-10-01)",
  },
];
const cases = loadCatalogue(["test/fixtures/known-bugs"]).cases;
const allow: AllowEntry[] = [
  { case: "fix-absent-on-purpose", kernel: "host", reason: "host lacks it", source: { file: "allow.yaml", line: 3 } },
  { case: "fix-present", kernel: "host", reason: "thought so", source: { file: "allow.yaml", line: 6 } },
];
const runs = plan(cases, kernels, {}, allow);
const failure = {
  file: "test/fixtures/known-bugs/fix-absent-on-purpose.yaml",
  line: 21,
  actor: "second",
  call: "bind tcp 0.0.0.0:8080 reuseport",
  message: "expected ok but got -1 EADDRINUSE",
};
const base = (id: string) => ({
  id,
  case: id.split(".")[0]!,
  variant: "default",
  kernel: id.split("@")[1]!,
  durationMs: 5,
  steps: [],
});
const results: RunResult[] = [
  {
    ...base("fix-absent-on-purpose.default@host"),
    outcome: "xfail",
    reason: "host lacks it; fix 0123456789ab absent (allowed by allow.yaml:3)",
    failures: [failure],
  },
  { ...base("fix-absent-on-purpose.default@5.10"), outcome: "passed" },
  { ...base("fix-present.default@host"), outcome: "passed" },
  { ...base("fix-present.default@5.10"), outcome: "skipped", reason: "needs a kernel >=9.0" },
];
const finished: LabEvent = {
  type: "session-finished",
  kernels,
  results,
  claims: [],
  audit: [],
  knownBugs: knownBugs(runs, results, kernels),
  durationMs: 20,
  interrupted: false,
};
const temp = tempFolder("known-bugs");
test.after.always(() => temp.remove());

async function emit(...reporters: Reporter[]): Promise<void> {
  const bus = new EventBus();
  for (const r of reporters) bus.add(r);
  bus.emit({ type: "session-started", backend: "netns", kernels, runs, leftoversRemoved: {} });
  bus.emit(finished);
  await bus.close();
}

test("the session's known bugs: absent+allowed on host, present against the version's prediction on 5.10, a stale entry", (t) => {
  if (finished.type !== "session-finished") return t.fail();
  const kb = finished.knownBugs;
  t.like(kb.kernels.host![0], {
    case: "fix-absent-on-purpose",
    status: "absent",
    allowed: "host lacks it",
    predicted: "present",
    disagrees: true,
  });
  t.like(kb.kernels["5.10"]![0], {
    case: "fix-absent-on-purpose",
    status: "present",
    predicted: "absent",
    disagrees: true,
  });
  t.like(kb.kernels["5.10"]![1], {
    case: "fix-present",
    status: "not-run",
    evidence: ["fix-present.default@5.10: needs a kernel >=9.0"],
  });
  t.deepEqual(
    kb.staleAllowlist.map((s) => `${s.file}:${s.line} ${s.case}@${s.kernel}`),
    ["allow.yaml:6 fix-present@host"],
  );
});

test("console: the table, the evidence of each absent, unrun or disagreeing fix, and the stale entry", async (t) => {
  let out = "";
  await emit(new ConsoleReporter({ write: (s) => (out += s), color: false }));
  t.regex(out, /^known bugs, 2 fixes judged by running each trigger/m);
  t.regex(out, /^ {2}on host: 1 present, 1 absent, 0 not run$/m);
  t.regex(out, /^ {2}on 5\.10: 1 present, 0 absent, 1 not run$/m);
  t.regex(out, /^ {2}fix-absent-on-purpose +0123456789ab +ABSENT! \(allowed\) +present!$/m);
  t.regex(out, /^ {2}fix-present +ba9876543210 +present +not run$/m);
  t.regex(
    out,
    /^ {2}host lacks 0123456789ab "test: a fix no kernel has": fix-absent-on-purpose \(allowed: host lacks it\)\n {6}fix-absent-on-purpose\.default@host: test\/fixtures\/known-bugs\/fix-absent-on-purpose\.yaml:21: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok but got -1 EADDRINUSE\n {6}the version number predicts present: 6\.18\.44/m,
  );
  t.regex(
    out,
    /^ {2}5\.10 has 0123456789ab .*\n {6}fix-absent-on-purpose\.default@5\.10\n {6}the version number predicts absent: 5\.10\.262 \(\/proc\/version \(Debian 5\.10\.262-1\)\): the 5\.10 line never took the fix$/m,
  );
  t.regex(
    out,
    /^ {2}stale allowlist entry allow\.yaml:6: fix-present on host has the fix \(fix-present\.default@host\): remove the entry$/m,
  );
});

test("JSON: knownBugs per kernel and staleAllowlist", async (t) => {
  const file = join(temp.dir, "r.json");
  await emit(new JsonReporter(file));
  const json = JSON.parse(readFileSync(file, "utf8")) as ResultsFile;
  t.deepEqual(Object.keys(json.knownBugs!), ["host", "5.10"]);
  t.deepEqual(
    json.knownBugs!.host!.map((b) => [b.case, b.fix, b.status, b.predicted, b.disagrees]),
    [
      ["fix-absent-on-purpose", "0123456789ab", "absent", "present", true],
      ["fix-present", "ba9876543210", "present", "present", false],
    ],
  );
  t.is(json.staleAllowlist!.length, 1);
});

test("JUnit: each kernel's testsuite carries the known bugs as properties, and the file still validates", async (t) => {
  const file = join(temp.dir, "j.xml");
  await emit(new JunitReporter(file));
  const v = spawnSync("xmllint", ["--noout", "--schema", "test/fixtures/junit/jenkins-junit-4.xsd", file], {
    encoding: "utf8",
  });
  t.is(v.status, 0, v.stderr);
  const prop = (suite: string, name: string) =>
    execFileSync(
      "xmllint",
      ["--xpath", `string(//testsuite[@name="reuselab@${suite}"]/properties/property[@name="${name}"]/@value)`, file],
      { encoding: "utf8" },
    ).trim();
  t.is(prop("host", "known-bugs"), "1 present, 1 absent, 0 not run");
  t.regex(
    prop("host", "known-bug:fix-absent-on-purpose"),
    /^absent: fix 0123456789ab "test: a fix no kernel has"; allowed: host lacks it; predicted present \(the run disagrees\): .*; evidence: fix-absent-on-purpose\.default@host: .*expected ok but got -1 EADDRINUSE$/,
  );
  t.regex(
    prop("5.10", "known-bug:fix-present"),
    /^not-run: fix ba9876543210 .*evidence: fix-present\.default@5\.10: needs a kernel >=9\.0$/,
  );
  t.regex(
    prop("host", "known-bugs.stale-allowlist:fix-present"),
    /^allow\.yaml:6: the kernel has the fix \(fix-present\.default@host\); remove the entry \(reason: thought so\)$/,
  );
  t.is(prop("5.10", "known-bugs.stale-allowlist:fix-present"), "");
});

test("HTML: a Known bugs section with the table, linked evidence, the disagreement and the stale entry", (t) => {
  if (finished.type !== "session-finished") return t.fail();
  const page = renderPage({ ...finished, planned: new Map(runs.map((r) => [r.id, r])), generatedAt: new Date(0) });
  t.regex(page, /<nav>.*<a href="#known-bugs">Known bugs<\/a>/);
  const section = /<section id="known-bugs">[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
  const row = (id: string) => new RegExp(`<tr><td class="mono">${id}</td>.*?</tr>`).exec(section)?.[0] ?? "";
  t.regex(
    row("fix-absent-on-purpose"),
    /<td class="cell o-xfail" title="the version predicts present: [^"]*">ABSENT! \(allowed\)<\/td><td class="cell o-passed" title="the version predicts absent: [^"]*">present!<\/td>/,
  );
  t.regex(
    row("fix-present"),
    /<td class="cell o-passed"[^>]*>present<\/td><td class="cell o-skipped"[^>]*>not run<\/td>/,
  );
  t.regex(
    section,
    /<a href="#run-fix-absent-on-purpose\.default@host">fix-absent-on-purpose\.default@host<\/a>: test\/fixtures\/known-bugs\/fix-absent-on-purpose\.yaml:21/,
  );
  t.regex(section, /<strong>the version number predicts absent<\/strong>: 5\.10\.262/);
  t.regex(section, /id="stale-allowlist".*<code>allow\.yaml:6<\/code>: fix-present on host has the fix/);
  // A session with no regression case has no such section.
  t.notRegex(
    renderPage({
      ...finished,
      knownBugs: { kernels: { host: [] }, staleAllowlist: [] },
      planned: new Map(),
      generatedAt: new Date(0),
    }),
    /id="known-bugs"/,
  );
});
