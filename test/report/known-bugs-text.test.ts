// The console's known-bugs section on findings built here: the head's counts per kernel, the table's
// cells and their colours, what each absent, unrun or disagreeing fix rests on, and the stale
// allowlist entries. Colours are tags (<red>…</red>), so that which colour a cell gets is asserted too.
import test from "ava";
import { knownBugsText } from "../../lab/report/known-bugs-text";
import { colorsFor, type Colors } from "../../lab/terminal";
import { findings, kernels } from "./known-bugs-findings";

/** Every colour function wraps its text in a tag of its name. */
const tags = new Proxy(colorsFor(false), {
  get: (plain, name: string) =>
    typeof plain[name as keyof Colors] === "function" && name !== "isColorSupported"
      ? (s: string) => `<${name}>${s}</${name}>`
      : plain[name as keyof Colors],
}) as Colors;

test("the head counts each kernel's fixes by status; kernels without a regression case are left out", (t) => {
  const text = knownBugsText(findings, kernels, tags);
  t.true(
    text.startsWith(
      "known bugs, 3 fixes judged by running each trigger (! = the version number predicts otherwise):\n" +
        "  on 5.10: 0 present, 2 absent, 0 not run\n" +
        "  on 6.1: 2 present, 0 absent, 1 not run\n",
    ),
    text,
  );
  t.false(text.includes("nope"), text);
});

test("the table: a row per case in order, the fix cut to 12 characters, a cell per kernel with its colour and '!' where the version number disagrees", (t) => {
  const lines = knownBugsText(findings, kernels, tags).split("\n");
  const at = lines.findIndex((l) => l.includes("<bold>case</bold>"));
  t.deepEqual(
    lines.slice(at, at + 4).map((l) => l.trim().split(/\s{2,}/)),
    [
      ["<bold>case</bold>", "<bold>fix</bold>", "<bold>5.10</bold>", "<bold>6.1</bold>"],
      ["regressions/a", "aaaaaaaaaaaa", "<red>ABSENT!</red>", "<green>present</green>"],
      ["regressions/b", "bbbbbbbbbbbb", "<cyan>ABSENT (allowed)</cyan>", "<yellow>not run</yellow>"],
      // No 5.10 cell: c did not run there.
      ["regressions/c", "cccccccccccc", "<green>present!</green>"],
    ],
  );
  t.regex(lines[at + 4]!, /^ {2}5\.10 <red>lacks<\/red>/, "the details follow the table's last row");
});

test("details: each absent, unrun or disagreeing fix with its subject, CVE, allowlist reason and evidence; then the stale entries", (t) => {
  const text = knownBugsText(findings, kernels, tags);
  t.true(
    text.endsWith(
      '  5.10 <red>lacks</red> aaaaaaaaaaaa "A fix" (CVE-2026-1): regressions/a\n' +
        "      a@5.10: a.yaml:9: x: bind: expected EADDRINUSE but got ok\n" +
        "      <yellow>the version number predicts present: 5.10.262 is at or past 5.10.100</yellow>\n" +
        '  5.10 <red>lacks</red> bbbbbbbbbbbb "B fix": regressions/b<cyan> (allowed: tracked)</cyan>\n' +
        "      b@5.10: b.yaml:4: y: recv: expected 0 but got 3\n" +
        '  6.1 <yellow>was not judged on</yellow> bbbbbbbbbbbb "B fix": regressions/b\n' +
        "      b@6.1: skipped: needs 2 CPUs\n" +
        '  6.1 <green>has</green> cccccccccccc "C fix": regressions/c\n' +
        "      c@6.1\n" +
        "      <yellow>the version number predicts absent: 6.1.192 is before 6.1.200</yellow>\n" +
        "  <yellow>stale allowlist entry</yellow> cases/regressions/allowlist.yaml:7: regressions/a on 6.1 has the fix (a@6.1, a@6.1#2): remove the entry\n",
    ),
    text,
  );
  t.false(
    text.includes("6.1 <green>has</green> aaaaaaaaaaaa"),
    "a present fix that agrees with its version has no detail",
  );
});

test("nothing ran and nothing is stale: no section; one fix is 'fix'; stale entries alone need no table", (t) => {
  t.is(knownBugsText({ kernels: {}, staleAllowlist: [] }, kernels, tags), "");
  t.is(knownBugsText({ kernels: { "5.10": [] }, staleAllowlist: [] }, kernels, tags), "");
  const one = knownBugsText({ kernels: { "6.1": [findings.kernels["6.1"]![0]!] }, staleAllowlist: [] }, kernels, tags);
  t.regex(one, /^known bugs, 1 fix judged/);
  t.regex(one, /^ {2}on 6\.1: 1 present, 0 absent, 0 not run$/m);
  const staleOnly = knownBugsText({ kernels: {}, staleAllowlist: findings.staleAllowlist }, kernels, tags);
  t.is(
    staleOnly,
    "known bugs, 0 fixes judged by running each trigger (! = the version number predicts otherwise):\n" +
      "  <yellow>stale allowlist entry</yellow> cases/regressions/allowlist.yaml:7: regressions/a on 6.1 has the fix (a@6.1, a@6.1#2): remove the entry\n",
  );
});
