// The HTML page (lab/report/html-reporter.ts and html/sections.ts) from sessions built here, no backend
// and no browser: the header's summary and links, the failures, the matrix with where kernels differ,
// the claims audit and a section per run, as exact markup. The page in real Chromium on a real run is
// test/report/html-reporter.test.ts (root).
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import type { Claim } from "../../lab/case/claims";
import { loadCatalogue } from "../../lab/case/load-cases";
import { EventBus } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { HtmlReporter, renderPage } from "../../lab/report/html-reporter";
import type { PageData } from "../../lab/report/html/sections";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";
import { disagreement, host, runOf, stepResult } from "./results";

const old: KernelInfo = {
  id: "5.10",
  release: "5.10.0-46",
  source: { kind: "tree", sha256: "ab".repeat(32), path: "/src/linux" },
};
const catalogue = loadCatalogue(["test/fixtures/known-bugs"]);
const planned = new Map(plan(catalogue.cases, [host, old], {}).map((r) => [r.id, r]));
const absent = "fix-absent-on-purpose";
const present = "fix-present";
const run = (c: string, kernel: string) => runOf(c, kernel, { variant: "default", durationMs: 7 });
const failing = stepResult(
  "ok",
  { ret: -1, errno: "EADDRINUSE", trace: ["bind s 0.0.0.0 53 = -1 EADDRINUSE"] },
  { ok: false },
);
const fair = stepResult(
  "total 200, fair",
  {
    ret: 0,
    count: 200,
    counts: { m1: 90, m2: 110 },
    fairness: { mean: 100, maxDeviationPct: 10, chiSquare: 2, degreesOfFreedom: 1, pValue: 0.16, fair: true },
    trace: ["recv m1 = 90", "recv m2 = 110"],
  },
  { line: 14, actor: "m", call: "recv-group s" },
);
const results: RunResult[] = [
  {
    ...run(absent, "host"),
    outcome: "failed",
    failures: [disagreement, { ...disagreement, line: 10 }],
    steps: [failing],
  },
  { ...run(absent, "5.10"), outcome: "passed", steps: [stepResult("ok", { ret: 0 }), fair] },
  { ...run(present, "host"), outcome: "xpass", reason: "was broken", steps: [] },
  { ...run(present, "5.10"), outcome: "skipped", reason: "needs a kernel >=9.0", steps: [] },
];
const claim = (id: string, line: number): Claim => ({
  id,
  topic: "t",
  section: `Section <${id}>`,
  line,
  quote: `Quote of ${id} & more.`,
  file: "cases/claims.yaml",
  declaredAt: 1,
});
const claims = [claim("c-first", 10), claim("c-second", 20), claim("c-third", 30)];
const audit: ClaimAudit[] = [
  { id: "c-first", verdicts: { host: "untested", "5.10": "untested" }, evidence: [], relations: {} },
  {
    id: "c-second",
    verdicts: { host: "untested", "5.10": "confirmed" },
    evidence: [results[1]!.id],
    relations: { [results[1]!.id]: "confirms" },
  },
  { id: "c-third", verdicts: { host: "refuted" }, evidence: [results[1]!.id], relations: {} },
];
const page = (over: Partial<PageData> = {}): string =>
  renderPage({
    backend: "netns",
    kernels: [host, old],
    results,
    planned,
    claims,
    audit,
    durationMs: 4000,
    interrupted: false,
    generatedAt: new Date(0),
    ...over,
  });
const section = (html: string, id: string) =>
  new RegExp(`<section id="${id}">\\n<h2>[^<]*</h2>\\n([^]*?)\\n</section>\\n(?:<section id|</body>)`).exec(
    html,
  )?.[1] ?? "";

test("the header: title, runs, backend, kernels and their provenance, a badge per outcome that occurred, time, links to the sections", (t) => {
  const html = page();
  t.regex(html, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
  t.true(html.includes("<title>reuselab: 4 runs on host, 5.10</title>"));
  t.true(
    html.includes(
      '<p class="summary">4 runs on the netns backend, kernels host (6.18.44), 5.10 (5.10.0-46) · <span class="badge o-passed">1 passed</span> <span class="badge o-failed">1 failed</span> <span class="badge o-skipped">1 skipped</span> <span class="badge o-xpass">1 xpass</span> · 4.0 s · <span class="meta">1970-01-01T00:00:00.000Z</span></p>\n' +
        `<ul class="meta"><li>5.10: 5.10.0-46, build tree /src/linux (bzImage sha256 ${"ab".repeat(8)}…)</li></ul>\n` +
        '<nav><a href="#failures">Failures</a><a href="#matrix">Case × kernel matrix</a><a href="#audit">Claims audit</a><a href="#runs">Runs</a></nav>\n</header>',
    ),
    html.slice(0, 3000),
  );
  const one = page({
    backend: undefined,
    kernels: [host],
    results: [results[0]!, results[0]!],
    interrupted: true,
    durationMs: 1250,
  });
  t.true(
    one.includes(
      '<p class="summary">2 runs, kernel host (6.18.44) · <span class="badge o-passed">0 passed</span> <span class="badge o-failed">2 failed</span> · 1.3 s · <strong>interrupted</strong> · <span class="meta">',
    ),
    one.slice(0, 3000),
  );
  t.true(one.includes("</p>\n<nav>"), "no provenance list for the host's kernel");
});

test("failures: each failed run with its first failure (and how many more), each xpass with its stale reason", (t) => {
  t.is(
    section(page(), "failures"),
    '<div class="callout bad"><ul>' +
      '<li><span class="badge o-failed">FAIL</span> <a href="#run-fix-absent-on-purpose.default@host">fix-absent-on-purpose.default@host</a><br><code>cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE (+1 more)</code></li>' +
      '<li><span class="badge o-xpass">XPASS</span> <a href="#run-fix-present.default@host">fix-present.default@host</a><br><code>marked as a known failure (was broken) but passed</code></li>' +
      "</ul></div>",
  );
  const single = page({ results: [{ ...results[0]!, failures: [disagreement] } as RunResult] });
  t.true(
    section(single, "failures").includes(
      "<code>cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE</code></li>",
    ),
  );
  const passing = page({ results: [results[1]!] });
  t.false(passing.includes('id="failures"'));
  t.false(passing.includes('href="#failures"'));
});

test("the matrix: a cell per kernel linking to its run, the rows where kernels differ called out with why", (t) => {
  t.is(
    section(page(), "matrix"),
    '<div class="callout" id="differs"><h3>The kernels differ on 2 of 2 case variants</h3><ul>' +
      '<li><a href="#row-fix-absent-on-purpose.default">fix-absent-on-purpose.default</a><ul><li>host: failed, expected ok but got -1 EADDRINUSE</li></ul></li>' +
      '<li><a href="#row-fix-present.default">fix-present.default</a><ul><li>5.10: skipped, needs a kernel &gt;=9.0</li></ul></li></ul></div>' +
      '<table id="matrix-table"><thead><tr><th>case.variant</th><th title="6.18.44">host<br><span class="meta">6.18.44</span></th><th title="5.10.0-46">5.10<br><span class="meta">5.10.0-46</span></th><th>where the kernels differ</th></tr></thead><tbody>' +
      '<tr id="row-fix-absent-on-purpose.default" class="differs"><th scope="row" class="mono">fix-absent-on-purpose.default</th><td class="cell o-failed"><a href="#run-fix-absent-on-purpose.default@host">FAIL</a></td><td class="cell o-passed"><a href="#run-fix-absent-on-purpose.default@5.10">pass</a></td><td class="notes">host: failed, expected ok but got -1 EADDRINUSE</td></tr>' +
      '<tr id="row-fix-present.default" class="differs"><th scope="row" class="mono">fix-present.default</th><td class="cell o-xpass"><a href="#run-fix-present.default@host">XPASS</a></td><td class="cell o-skipped"><a href="#run-fix-present.default@5.10">skip</a></td><td class="notes">5.10: skipped, needs a kernel &gt;=9.0</td></tr>' +
      "</tbody></table>",
  );
  t.true(
    section(page({ results: [results[1]!] }), "matrix").startsWith(
      '<p class="meta">The kernels agree on all 1 case variants.</p><table id="matrix-table">',
    ),
  );
  t.true(
    section(page({ results: [results[1]!] }), "matrix").includes('<td class="cell">–</td><td class="cell o-passed">'),
    "no run on host: a dash",
  );
  const one = section(page({ kernels: [host], results: [results[0]!] }), "matrix");
  t.true(
    one.startsWith(
      '<p class="meta">One kernel in this run: no row can differ.</p><table id="matrix-table"><thead><tr><th>case.variant</th><th title="6.18.44">host<br><span class="meta">6.18.44</span></th></tr></thead>',
    ),
    one,
  );
  t.true(
    one.endsWith(
      '<td class="cell o-failed"><a href="#run-fix-absent-on-purpose.default@host">FAIL</a></td></tr></tbody></table>',
    ),
    one,
  );
});

test("the claims audit: counts per kernel, judged claims first, each with its quote, section, line, verdicts and evidence", (t) => {
  const badges = (k: string, n: number[]) =>
    `<span>on ${k}: ${["refuted", "partly", "confirmed", "untested"].map((v, i) => `<span class="badge v-${v}">${n[i]} ${v}</span>`).join(" ")}</span>`;
  t.is(
    section(page(), "audit"),
    `<p class="summary">3 claims of the seed guide; a verdict rests only on the runs that passed. ${badges("host", [1, 0, 0, 2])} ${badges("5.10", [0, 0, 1, 1])}</p>` +
      '<table id="audit-table"><thead><tr><th>claim</th><th>the seed guide says</th><th>section</th><th>line</th><th>host</th><th>5.10</th><th>evidence (passing runs)</th></tr></thead><tbody>' +
      '<tr id="claim-c-second"><td class="mono">c-second</td><td><blockquote>Quote of c-second &amp; more.</blockquote></td><td>Section &lt;c-second&gt;</td><td>20</td><td class="cell v-untested">untested</td><td class="cell v-confirmed">confirmed</td><td><a href="#run-fix-absent-on-purpose.default@5.10">fix-absent-on-purpose.default@5.10</a> <span class="meta">confirms</span></td></tr>' +
      '<tr id="claim-c-third"><td class="mono">c-third</td><td><blockquote>Quote of c-third &amp; more.</blockquote></td><td>Section &lt;c-third&gt;</td><td>30</td><td class="cell v-refuted">refuted</td><td class="cell v-untested">untested</td><td><a href="#run-fix-absent-on-purpose.default@5.10">fix-absent-on-purpose.default@5.10</a> <span class="meta"></span></td></tr>' +
      '<tr id="claim-c-first" class="untested"><td class="mono">c-first</td><td><blockquote>Quote of c-first &amp; more.</blockquote></td><td>Section &lt;c-first&gt;</td><td>10</td><td class="cell v-untested">untested</td><td class="cell v-untested">untested</td><td></td></tr>' +
      "</tbody></table>",
  );
  t.is(
    section(page({ claims: [] }), "audit"),
    '<p class="meta">No claims: no claims.yaml beside this run\'s cases.</p>',
  );
  t.true(
    section(
      page({ audit: [{ id: "gone", verdicts: { host: "confirmed" }, evidence: [], relations: {} }] }),
      "audit",
    ).includes('<tr id="claim-gone"><td class="mono">gone</td><td><blockquote></blockquote></td><td></td><td></td>'),
    "a claim the claims file no longer has",
  );
});

test("a section per run: outcome, case title and file, kernel and release, its verdict, the claims it is evidence for, its steps with the probe's calls", (t) => {
  const runs = section(page(), "runs").split(/\n(?=<section)/);
  t.is(runs.length, 4);
  const file = "test/fixtures/known-bugs/fix-absent-on-purpose.yaml";
  const title = planned.get(results[0]!.id)!.case.title;
  t.is(
    runs[0],
    `<section class="run r-failed" id="run-fix-absent-on-purpose.default@host"><h3><span class="badge o-failed">FAIL</span> <a href="#run-fix-absent-on-purpose.default@host">fix-absent-on-purpose.default@host</a> <span class="meta">7 ms</span></h3>` +
      `<p class="meta">${title} (<code>${file}</code>) · kernel host (6.18.44)</p>` +
      '<ul class="failures"><li>cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE</li><li>cases/c.yaml:10: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE</li></ul>' +
      '<table class="steps"><thead><tr><th>where</th><th>actor</th><th>call</th><th>expected</th><th>observed</th></tr></thead><tbody>' +
      '<tr class="step fail"><td class="where">cases/c.yaml:9</td><td>b</td><td class="call">bind udp 0.0.0.0:53</td><td class="expected">ok</td><td class="observed">-1 EADDRINUSE<details open><summary>1 probe call</summary><pre class="trace">bind s 0.0.0.0 53 = -1 EADDRINUSE</pre></details></td></tr>' +
      "</tbody></table></section>",
  );
  t.true(
    runs[1]!.includes(
      '<p class="meta">Evidence for: <a href="#claim-c-second">c-second</a> <span class="meta">confirms</span>, <a href="#claim-c-third">c-third</a> <span class="meta"></span></p>' +
        '<table class="steps"><thead><tr><th>where</th><th>actor</th><th>call</th><th>expected</th><th>observed</th></tr></thead><tbody>' +
        '<tr class="step ok"><td class="where">cases/c.yaml:9</td><td>b</td><td class="call">bind udp 0.0.0.0:53</td><td class="expected">ok</td><td class="observed">ok (ret 0)</td></tr>' +
        '<tr class="step ok"><td class="where">cases/c.yaml:14</td><td>m</td><td class="call">recv-group s</td><td class="expected">total 200, fair</td><td class="observed">90/110 (total 200, max deviation 10%, chi-square 2, p=0.16)<details><summary>2 probe calls</summary><pre class="trace">recv m1 = 90\nrecv m2 = 110</pre></details></td></tr></tbody></table></section>',
    ),
    runs[1],
  );
  t.true(runs[2]!.includes('<span class="meta">7 ms</span></h3><p class="meta">'));
  t.true(
    runs[2]!.endsWith(
      '<p class="reason">Marked as a known failure (was broken) but passed: update the case.</p></section>',
    ),
    runs[2],
  );
  t.true(
    runs[3]!.endsWith('· kernel 5.10 (5.10.0-46)</p><p class="reason">Skipped: needs a kernel &gt;=9.0</p></section>'),
    runs[3],
  );
  const xfail = section(
    page({
      results: [{ ...run(absent, "host"), outcome: "xfail", reason: "known", failures: [disagreement], steps: [] }],
      planned: new Map(),
    }),
    "runs",
  );
  t.is(
    xfail,
    '<section class="run r-xfail" id="run-fix-absent-on-purpose.default@host"><h3><span class="badge o-xfail">xfail</span> <a href="#run-fix-absent-on-purpose.default@host">fix-absent-on-purpose.default@host</a> <span class="meta">7 ms</span></h3><p class="meta">kernel host (6.18.44)</p><p class="reason">Known failure (xfail): known</p><ul class="failures"><li>cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE</li></ul></section>',
  );
  t.true(
    section(page({ kernels: [], results: [results[1]!] }), "runs").includes("· kernel 5.10</p>"),
    "a kernel the session does not list: no release",
  );
});

test("the reporter writes the page on close, in a folder it makes, with the session's backend and planned runs; nothing without a session", async (t) => {
  const temp = tempFolder("html-page");
  t.teardown(() => temp.remove());
  const file = join(temp.dir, "a", "report.html");
  const bus = new EventBus().add(new HtmlReporter(file));
  bus.emit({
    type: "session-started",
    backend: "vm",
    kernels: [host, old],
    runs: [...planned.values()],
    leftoversRemoved: {},
  });
  bus.emit({
    type: "session-finished",
    kernels: [host, old],
    results,
    claims,
    audit,
    knownBugs: { kernels: {}, staleAllowlist: [] },
    durationMs: 4000,
    interrupted: false,
  });
  await bus.close();
  const html = readFileSync(file, "utf8");
  t.true(html.includes('<p class="summary">4 runs on the vm backend, kernels'));
  t.true(
    html.includes(
      `<p class="meta">${planned.get(results[0]!.id)!.case.title} (<code>test/fixtures/known-bugs/fix-absent-on-purpose.yaml</code>) · kernel host (6.18.44)</p>`,
    ),
  );
  const none = join(temp.dir, "b", "report.html");
  await new HtmlReporter(none).close();
  t.throws(() => readFileSync(none));
});
