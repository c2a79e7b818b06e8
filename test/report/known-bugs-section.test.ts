// The HTML page's known-bugs section on findings built here (known-bugs-findings.ts): the summary's
// counts, the table's cells (class, text, the prediction on hover), each detail with its evidence
// linked to the runs the page holds, and the stale allowlist entries.
import test from "ava";
import type { KnownBugs } from "../../lab/findings/known-bugs";
import type { PageData } from "../../lab/report/html/sections";
import { knownBugsSection } from "../../lab/report/html/known-bugs-section";
import { findings, kernels } from "./known-bugs-findings";

/** The page's data as far as the section reads it: the runs a@5.10, a@6.1 and c@6.1 are on the page. */
const page = (knownBugs?: KnownBugs) =>
  ({ knownBugs, kernels, results: ["a@5.10", "a@6.1", "c@6.1"].map((id) => ({ id })) }) as unknown as PageData;

test("the summary: how many fixes, and per kernel with a regression case how many are present, absent, not run", (t) => {
  const html = knownBugsSection.render(page(findings))!;
  t.true(
    html.startsWith(
      '<p class="summary">3 fixes, judged by running each trigger; a "!" marks where the version number predicts otherwise. ' +
        '<span>on 5.10: <span class="badge o-passed">0 present</span> <span class="badge o-failed">2 ABSENT</span> <span class="badge o-skipped">0 not run</span></span> ' +
        '<span>on 6.1: <span class="badge o-passed">2 present</span> <span class="badge o-failed">0 ABSENT</span> <span class="badge o-skipped">1 not run</span></span></p>',
    ),
    html,
  );
  t.false(html.includes("nope"), "a kernel that ran no regression case has no column or count");
});

test("the table: a row per case, the fix with its subject and CVE, a cell per kernel with its class, '!' and the prediction on hover", (t) => {
  const html = knownBugsSection.render(page(findings))!;
  const table = /<table id="known-bugs-table">.*?<\/table>/.exec(html)?.[0];
  t.is(
    table,
    '<table id="known-bugs-table"><thead><tr><th>case</th><th>fix</th><th>5.10</th><th>6.1</th></tr></thead><tbody>' +
      '<tr><td class="mono">regressions/a</td><td><code>aaaaaaaaaaaa1234</code> A fix <span class="meta">CVE-2026-1</span></td>' +
      '<td class="cell o-failed" title="the version predicts present: 5.10.262 is at or past 5.10.100">ABSENT!</td>' +
      '<td class="cell o-passed" title="the version predicts present: ">present</td></tr>' +
      '<tr><td class="mono">regressions/b</td><td><code>bbbbbbbbbbbb5678</code> B fix</td>' +
      '<td class="cell o-xfail" title="the version predicts absent: ">ABSENT (allowed)</td>' +
      '<td class="cell o-skipped" title="the version predicts absent: ">not run</td></tr>' +
      '<tr><td class="mono">regressions/c</td><td><code>cccccccccccc9abc</code> C fix</td>' +
      '<td class="cell">–</td>' +
      '<td class="cell o-passed" title="the version predicts absent: 6.1.192 is before 6.1.200">present!</td></tr>' +
      "</tbody></table>",
  );
});

test("details and stale entries: evidence of a run on the page links to it, other evidence is text", (t) => {
  const html = knownBugsSection.render(page(findings))!;
  t.true(
    html.endsWith(
      '<ul id="known-bugs-details">' +
        "<li><strong>5.10</strong> lacks <code>aaaaaaaaaaaa1234</code> (regressions/a)<ul>" +
        '<li><code><a href="#run-a@5.10">a@5.10</a>: a.yaml:9: x: bind: expected EADDRINUSE but got ok</code></li>' +
        "<li><strong>the version number predicts present</strong>: 5.10.262 is at or past 5.10.100</li></ul></li>" +
        '<li><strong>5.10</strong> lacks <code>bbbbbbbbbbbb5678</code> (regressions/b) <span class="badge o-xfail">allowed</span> tracked<ul>' +
        "<li><code>b@5.10: b.yaml:4: y: recv: expected 0 but got 3</code></li></ul></li>" +
        "<li><strong>6.1</strong> was not judged on <code>bbbbbbbbbbbb5678</code> (regressions/b)<ul>" +
        "<li><code>b@6.1: skipped: needs 2 CPUs</code></li></ul></li>" +
        "<li><strong>6.1</strong> has <code>cccccccccccc9abc</code> (regressions/c)<ul>" +
        '<li><code><a href="#run-c@6.1">c@6.1</a></code></li>' +
        "<li><strong>the version number predicts absent</strong>: 6.1.192 is before 6.1.200</li></ul></li></ul>" +
        '<div class="callout" id="stale-allowlist"><h3>Stale allowlist entries: the kernel has the fix</h3><ul>' +
        '<li><code>cases/regressions/allowlist.yaml:7</code>: regressions/a on 6.1 has the fix (<a href="#run-a@6.1">a@6.1</a>, a@6.1#2): remove the entry <span class="meta">(old)</span></li>' +
        "</ul></div>",
    ),
    html,
  );
});

test("left out when there are no findings, or no regression case ran and nothing is stale; one fix is 'fix'", (t) => {
  t.is(knownBugsSection.render(page(undefined)), undefined);
  t.is(knownBugsSection.render(page({ kernels: {}, staleAllowlist: [] })), undefined);
  t.is(knownBugsSection.render(page({ kernels: { "5.10": [] }, staleAllowlist: [] })), undefined);
  const one = knownBugsSection.render(
    page({ kernels: { "6.1": [findings.kernels["6.1"]![0]!] }, staleAllowlist: [] }),
  )!;
  t.regex(one, /^<p class="summary">1 fix, judged/);
  t.false(one.includes("known-bugs-details"), "a present fix that agrees with its version has no detail");
  t.false(one.includes("stale-allowlist"));
  const staleOnly = knownBugsSection.render(page({ kernels: {}, staleAllowlist: findings.staleAllowlist }))!;
  t.regex(
    staleOnly,
    /^<p class="summary">0 fixes, judged by running each trigger; a "!" marks where the version number predicts otherwise\. <\/p><div class="callout" id="stale-allowlist">/,
  );
  t.false(staleOnly.includes("<table"));
});
