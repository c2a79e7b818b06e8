import test from "ava";
import { loadCase } from "../../lab/case/load-case";
import { loadCases } from "../../lab/case/load-cases";

const tail = `actors:
  a: { uid: 1000 }
steps:
  - a: bind udp 0.0.0.0:5353
`;

/** A case whose `fix:` block is `fix`, starting on line 5. */
function withFix(fix: string) {
  return loadCase("x.yaml", "regressions/x", `schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n${fix}${tail}`);
}

function problems(fix: string): string[] {
  return withFix(fix).problems.map((p) => `${p.file}:${p.line}: ${p.message}${p.fix ? ` | ${p.fix}` : ""}`);
}

const valid = `fix:
  commit: d6ace0dbcbb7
  subject: "udp: fix a bug"
  cve: CVE-2026-31503
  mainline: "6.2"
  stable:
    "5.10": "5.10.150"
    "6.1": none
  source: "the commit page"
`;

test("a valid fix block is read with every fact and its line", (t) => {
  const { case: c, problems: p } = withFix(valid);
  t.deepEqual(p, []);
  t.deepEqual(c!.fix, {
    commit: "d6ace0dbcbb7",
    subject: "udp: fix a bug",
    cve: "CVE-2026-31503",
    mainline: "6.2",
    stable: { "5.10": "5.10.150", "6.1": null },
    source: "the commit page",
    at: { file: "x.yaml", line: 6 },
  });
});

test("cve and stable are optional; a case without fix has none", (t) => {
  const { case: c, problems: p } = withFix(
    `fix: { commit: ${"a".repeat(40)}, subject: s, mainline: "5.15", source: src }\n`,
  );
  t.deepEqual(p, []);
  t.deepEqual(c!.fix, {
    commit: "a".repeat(40),
    subject: "s",
    mainline: "5.15",
    stable: {},
    source: "src",
    at: { file: "x.yaml", line: 5 },
  });
  t.is(withFix("").case!.fix, undefined);
});

test("missing required keys are each named, at the fix's line, with what to add", (t) => {
  const p = problems("fix:\n  cve: CVE-2020-1234\n");
  t.is(p.length, 4, p.join("\n"));
  for (const key of ["commit", "subject", "mainline", "source"])
    t.true(
      p.some((x) => x.startsWith(`x.yaml:6: 'fix' needs '${key}' | add `)),
      `${key}: ${p.join("\n")}`,
    );
});

test("each bad form gives its file:line and a fix", (t) => {
  const p = problems(`fix:
  commit: D6ACE0DBCBB7
  subject: ""
  cve: CVE-22-1
  mainline: 6.2
  stable:
    5.10: "5.10.150"
    "6.1": "6.2.3"
    "5.15": 
    "6.3": none
    "v5": none
  source: [a]
  fixed: yes
`);
  t.deepEqual(p, [
    "x.yaml:17: unknown key 'fixed' in 'fix' | known keys of 'fix': commit, subject, cve, mainline, stable, source",
    "x.yaml:6: fix: commit: 'D6ACE0DBCBB7' is not a commit id (12 to 40 lower-case hex digits) | write the fix's commit id, 12 to 40 lower-case hex digits, e.g. commit: d6ace0dbcbb7",
    "x.yaml:7: 'fix: subject' is empty, not text | write the fix commit's subject line, e.g. subject: \"udp: …\"",
    "x.yaml:8: fix: cve: 'CVE-22-1' is not a CVE id (CVE-YYYY-NNNN) | write the CVE id, e.g. cve: CVE-2022-1234, or leave the key out",
    'x.yaml:9: fix: mainline: 6.2 is a number to YAML (6.10 would read as 6.1) | write it in quotes: mainline: "6.2"',
    'x.yaml:11: fix: stable: the line 5.1 is a number to YAML (5.10 would read as 5.1) | write it in quotes: "5.1": …',
    'x.yaml:12: fix: stable: "6.1": \'6.2.3\' is not a 6.1 release (6.1.N) nor none | write "6.1": "6.1.150" (the first 6.1 release with the fix, in quotes), or "6.1": none when the line never took it',
    'x.yaml:13: fix: stable: "5.15": no release is not a 5.15 release (5.15.N) nor none | write "5.15": "5.15.150" (the first 5.15 release with the fix, in quotes), or "5.15": none when the line never took it',
    'x.yaml:15: fix: stable: \'v5\' is not a stable line like "5.10" | write e.g. "5.10": "5.10.150"',
    "x.yaml:16: 'fix: source' is a list, not text | write where these facts came from (the commit page, the CVE page, a stable log)",
  ]);
});

test("a stable line at or after mainline is refused once mainline is known", (t) => {
  const p = problems(
    `fix:\n  commit: d6ace0dbcbb7\n  subject: s\n  mainline: "6.2"\n  stable: { "6.2": "6.2.1", "6.12": none }\n  source: s\n`,
  );
  t.deepEqual(p, [
    "x.yaml:9: fix: stable: the 6.2 line comes after the fix landed in mainline 6.2, so it has the fix from its first release | list only stable lines older than 6.2",
    "x.yaml:9: fix: stable: the 6.12 line comes after the fix landed in mainline 6.2, so it has the fix from its first release | list only stable lines older than 6.2",
  ]);
});

test("fix that is not a mapping, and a subject that is prose", (t) => {
  t.deepEqual(
    problems("fix: d6ace0dbcbb7\n").map((x) => x.split(" | ")[0]),
    ["x.yaml:5: 'fix' maps commit, subject, mainline, stable and source to the fix's facts"],
  );
  const { problems: p } = withFix(
    `fix: { commit: d6ace0dbcbb7, subject: "net: fix Jos\u00e9's bug \u2014 again", mainline: "6.2", source: s }\n`,
  );
  t.deepEqual(p, []);
});

test("the shipped regression cases: at least 15, each a different fix with its mainline release and where its facts came from", (t) => {
  const regressions = loadCases(["cases/regressions"]);
  t.true(regressions.length >= 15, `${regressions.length} regression cases`);
  const commits = regressions.map((c) => c.fix?.commit);
  for (const c of regressions) {
    t.truthy(c.fix, `${c.id} names its fix`);
    t.regex(c.fix?.mainline ?? "", /^\d+\.\d+$/, `${c.id}: mainline`);
    t.true((c.fix?.source.length ?? 0) > 40, `${c.id}: where the fix's facts came from`);
  }
  t.is(new Set(commits).size, commits.length, `one case a fix: ${commits.join(", ")}`);
});
