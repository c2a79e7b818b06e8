// The HTML reporter on a real run (netns backend, the host's kernel), opened in real headless
// Chromium: the DOM Chromium built from the page holds the matrix, the audit and a section per run
// with its steps, as many rows as the run had, and every link lands on an anchor. The page loads
// nothing and runs no script; text with markup and control characters in it shows as text.
import test from "ava";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChromiumError, dumpDom, screenshot } from "../../lab/report/headless-chromium";
import { anchor } from "../../lab/report/html/markup";
import { HtmlReporter } from "../../lab/report/html-reporter";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { RunResult } from "../../lab/verdict/outcome";
import { runWith, tempFolder } from "./real-run";

const temp = tempFolder("html");
const page = join(temp.dir, "out", "report.html");
const chromiumHomes = () => readdirSync(tmpdir()).filter((n) => n.startsWith("reuselab-chromium-"));
const homesBefore = new Set(chromiumHomes());
let results: RunResult[] = [];
let audit: ClaimAudit[] = [];
let dom = "";

// Chromium gets no deadline (timeoutMs: Infinity): on a loaded machine it starts when it starts, and
// ava's timeout is the bound. The test of the deadline itself is below.
test.before(async () => {
  ({ results, audit } = await runWith(new HtmlReporter(page)));
  dom = await dumpDom(page, { timeoutMs: Infinity });
});

test.after.always(() => temp.remove());

/** The part of the DOM from `start` to the first `end` after it (Chromium's serialisation is regular). */
function slice(t: { fail(m: string): void }, start: string, end: string): string {
  const i = dom.indexOf(start);
  if (i < 0) t.fail(`no ${start} in the DOM`);
  return dom.slice(i, dom.indexOf(end, i));
}
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const runSection = (t: { fail(m: string): void }, id: string) => slice(t, `id="${anchor("run", id)}"`, "</section>");

test("Chromium rendered the page: a real DOM with its sections, failures first", (t) => {
  t.true(dom.startsWith("<!DOCTYPE html>"), dom.slice(0, 200));
  t.true(dom.length > 20_000, `${dom.length} characters`);
  const at = ["failures", "matrix", "audit", "runs"].map((id) =>
    dom.search(new RegExp(`<section id="${id}">\\s*<h2>`)),
  );
  t.true(
    at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1]!)),
    `sections at ${at.join(", ")}`,
  );
  t.true(dom.includes("<title>reuselab: 7 runs on host</title>"));
});

test("the failures list names the failed run, linked, with file:line and what the kernel said; nothing else", (t) => {
  const failures = slice(t, '<section id="failures">', "</section>");
  t.is(count(failures, /<li>/g), 1);
  t.regex(
    failures,
    new RegExp(
      `<a href="#${anchor("run", "wrong-expectation.default@host")}">wrong-expectation\\.default@host</a><br><code>test/fixtures/failing/wrong-expectation\\.yaml:13: second: bind tcp 0\\.0\\.0\\.0:8080 reuseport: expected ok but got -1 EADDRINUSE</code>`,
    ),
  );
});

test("the matrix has one row per case variant, each cell coloured by its outcome and linked to its run", (t) => {
  const matrix = slice(t, '<table id="matrix-table">', "</table>");
  t.is(count(matrix, /<tr id="row-/g), 7);
  const cell = (id: string) =>
    new RegExp(
      `<tr id="${anchor("row", id.replace(/@.*/, ""))}"><th scope="row" class="mono">[^<]*</th><td class="cell ([a-z-]+)"><a href="#${anchor("run", id)}">([^<]+)</a>`,
    )
      .exec(matrix)
      ?.slice(1);
  t.deepEqual(cell("wrong-expectation.default@host"), ["o-failed", "FAIL"]);
  t.deepEqual(cell("known-wrong-uid-rule.default@host"), ["o-xfail", "xfail"]);
  t.deepEqual(cell("reuseport-before-3-9.default@host"), ["o-skipped", "skip"]);
  t.deepEqual(cell("uid-rule/tcp-reuseport-needs-same-uid.other-uid@host"), ["o-passed", "pass"]);
  t.true(dom.includes("One kernel in this run: no row can differ."));
});

test("the audit has a row per claim, with the guide's quote, section, line, verdict and the runs it rests on", (t) => {
  const table = slice(t, '<table id="audit-table">', "</table>");
  t.true(audit.length >= 40);
  t.is(count(table, /<tr id="claim-/g), audit.length);
  const judged = audit.filter((a) => a.verdicts.host !== "untested");
  t.true(judged.length >= 3, `${judged.length} judged claims`);
  t.is(count(table, /<td class="cell v-(confirmed|refuted|partly)">/g), judged.length);
  const row = slice(t, `<tr id="${anchor("claim", "reuseport-kernel-enforces-uid")}">`, "</tr>");
  t.regex(row, /<td class="cell v-confirmed">confirmed<\/td>/);
  t.regex(row, /<blockquote>[^<]{20,}<\/blockquote>/);
  t.regex(row, new RegExp(`<a href="#${anchor("run", "uid-rule/tcp-reuseport-needs-same-uid.other-uid@host")}">`));
  t.is(audit.find((a) => a.id === "reuseport-kernel-enforces-uid")?.verdicts.host, "confirmed");
});

test("each run has an anchored section with one row per step; the failed step is marked with what the kernel said", (t) => {
  t.is(count(dom, /<section class="run r-/g), results.length);
  for (const r of results) {
    const section = runSection(t, r.id);
    t.is(count(section, /<tr class="step (ok|fail)">/g), r.steps.length, r.id);
    t.regex(section, new RegExp(`^id="[^"]+"><h3><span class="badge o-${r.outcome}">`), r.id);
  }
  const failed = runSection(t, "wrong-expectation.default@host");
  t.is(count(failed, /<tr class="step fail">/g), 1);
  t.regex(
    failed,
    /<tr class="step fail"><td class="where">test\/fixtures\/failing\/wrong-expectation\.yaml:13<\/td><td>second<\/td><td class="call">bind tcp 0\.0\.0\.0:8080 reuseport<\/td><td class="expected">ok<\/td><td class="observed">-1 EADDRINUSE<details open="">/,
  );
  t.regex(
    failed,
    /<li>test\/fixtures\/failing\/wrong-expectation\.yaml:13: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok but got -1 EADDRINUSE<\/li>/,
  );
  const hijack = runSection(t, "hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host");
  t.regex(
    hijack,
    /<td>attacker<\/td><td class="call">recv<\/td><td class="expected">20<\/td><td class="observed">20<details>/,
  );
  t.regex(
    runSection(t, "reuseport-before-3-9.default@host"),
    /<p class="reason">Skipped: needs a kernel &lt;3\.9 \(this is [^)]+\): SO_REUSEPORT exists from 3\.9 on<\/p>/,
  );
});

test("markup, an ampersand, quotes and a control character in a reason are shown as text", (t) => {
  const xfail = runSection(t, "known-wrong-uid-rule.default@host");
  t.regex(
    xfail,
    /Known failure \(xfail\): the kernel keeps SO_REUSEPORT groups to one uid; &lt;b&gt;kept&lt;\/b&gt; wrong &amp; "on purpose" for the reporters' tests \\u\{1b\}\[31m/,
  );
  t.false(/<b>/.test(dom), "no <b> element came from the reason");
  t.false(readFileSync(page, "utf8").includes("\x1b"));
});

test("every link lands on an anchor of the page; nothing is loaded from elsewhere, no script runs", (t) => {
  const ids = new Set([...dom.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  const targets = [...dom.matchAll(/ href="([^"]*)"/g)].map((m) => m[1]!);
  t.true(targets.length > results.length * 2);
  t.deepEqual(
    targets.filter((h) => !h.startsWith("#") || !ids.has(h.slice(1))),
    [],
  );
  t.false(/<(script|link|img|iframe|object|embed)\b|\bsrc=|url\(|@import/i.test(readFileSync(page, "utf8")));
});

test("the screenshot shows a page: a 1400x2000 PNG with content (a blank page is ~15 KB)", async (t) => {
  const png = join(temp.dir, "report.png");
  await screenshot(page, png, { width: 1400, height: 2000 }, { timeoutMs: Infinity });
  const bytes = readFileSync(png);
  t.is(bytes.subarray(1, 4).toString(), "PNG");
  t.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1400, 2000]);
  t.true(statSync(png).size > 80_000, `${statSync(png).size} bytes`);
});

// Serial: ava runs serial tests before the concurrent ones, so no other Chromium of this file is about.
test.serial("a Chromium that does not finish in time is killed and reported, and leaves nothing behind", async (t) => {
  // A page that never finishes loading: a named pipe nobody writes to. Chromium is well started (renderers,
  // crashpad handlers) when the timeout strikes.
  const never = join(temp.dir, "never.html");
  execFileSync("mkfifo", [never]);
  const err = await t.throwsAsync(dumpDom(never, { timeoutMs: 2000 }), { instanceOf: ChromiumError });
  t.regex(err!.message, /did not finish in 2000 ms/);
  t.deepEqual(
    chromiumHomes().filter((n) => !homesBefore.has(n)),
    [],
  );
  const alive = readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(join(tmpdir(), "reuselab-chromium-"));
      } catch {
        return false;
      }
    });
  t.deepEqual(alive, [], "no chromium of this test is still running");
});
