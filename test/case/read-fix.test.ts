// A regression case's `fix:` (lab/case/read-fix.ts) where it is wrong in ways the other tests leave out:
// facts that are not text, a mainline that is not a release, stable lines of every wrong shape, each at
// the line of the value itself; and how versions compare.
import test from "ava";
import { loadCase } from "../../lab/case/load-case";
import type { Node } from "yaml";
import { compareVersions, readFix } from "../../lab/case/read-fix";
import { YamlFile } from "../../lab/case/yaml-file";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const load = (fix: string) => loadCase("x.yaml", "x", head + fix);
const problems = (fix: string) => load(fix).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const FACTS = 'commit: d6ace0dbcbb7\n  subject: "udp: x"\n  source: page\n';
const MAINLINE = 'the first mainline release with the fix, in quotes, e.g. mainline: "6.2"';

test("facts that are not text: a mapping, a number (to be quoted), a boolean", (t) => {
  t.deepEqual(problems('fix:\n  commit: {a: 1}\n  subject: 12\n  source: true\n  mainline: "6.2"\n'), [
    "10: 'fix: commit' is a mapping, not text | write the fix's commit id, 12 to 40 lower-case hex digits, e.g. commit: d6ace0dbcbb7",
    `11: 'fix: subject' is the number 12, not text | write the fix commit's subject line, e.g. subject: "udp: …" (in quotes)`,
    "12: 'fix: source' is the boolean true, not text | write where these facts came from (the commit page, the CVE page, a stable log)",
  ]);
  t.deepEqual(
    problems('fix:\n  commit: 123456789012\n  subject: s\n  source: s\n  cve: CVE-22-1\n  mainline: "6.2"\n'),
    [
      "10: 'fix: commit' is the number 123456789012, not text | write the fix's commit id, 12 to 40 lower-case hex digits, e.g. commit: d6ace0dbcbb7 (in quotes)",
      "13: fix: cve: 'CVE-22-1' is not a CVE id (CVE-YYYY-NNNN) | write the CVE id, e.g. cve: CVE-2022-1234, or leave the key out",
    ],
  );
});

test("a mainline that is a list, or text that is not a release", (t) => {
  t.deepEqual(problems(`fix:\n  ${FACTS}  mainline: [6]\n`), [
    `13: fix: mainline: this is not a release like "6.2" | write ${MAINLINE}`,
  ]);
  t.deepEqual(problems(`fix:\n  ${FACTS}  mainline: six\n`), [
    `13: fix: mainline: 'six' is not a release like "6.2" | write ${MAINLINE}`,
  ]);
  t.deepEqual(problems(`fix:\n  ${FACTS}  mainline: "6.2.1"\n`), [
    `13: fix: mainline: '6.2.1' is not a release like "6.2" | write ${MAINLINE}`,
  ]);
});

test("stable: not a mapping; each wrong line or release at the line of its value", (t) => {
  t.deepEqual(problems(`fix:\n  ${FACTS}  mainline: "6.2"\n  stable: [1]\n`), [
    `14: 'fix: stable' maps each stable line to its first release with the fix, or none | write stable: { "5.10": "5.10.150", "6.1": none }`,
  ]);
  const release = (line: string) =>
    `write "${line}": "${line}.150" (the first ${line} release with the fix, in quotes), or "${line}": none when the line never took it`;
  t.deepEqual(
    problems(
      `fix:\n  ${FACTS}  mainline: "6.2"\n  stable:\n    true: x\n    "5.10":\n      [1]\n    "5.15":\n    "6.1":\n      "6.1.x"\n` +
        `    "5.4": "5.4.x"\n    "6.2": "6.2.1"\n    "6.10": "6.10.1"\n    "6.1.1": "6.1.1.1"\n    "5.9": "5.10.1"\n`,
    ),
    [
      `15: fix: stable: 'true' is not a stable line like "5.10" | write e.g. "5.10": "5.10.150"`,
      `17: fix: stable: "5.10": no release is not a 5.10 release (5.10.N) nor none | ${release("5.10")}`,
      `18: fix: stable: "5.15": no release is not a 5.15 release (5.15.N) nor none | ${release("5.15")}`,
      `20: fix: stable: "6.1": '6.1.x' is not a 6.1 release (6.1.N) nor none | ${release("6.1")}`,
      `21: fix: stable: "5.4": '5.4.x' is not a 5.4 release (5.4.N) nor none | ${release("5.4")}`,
      "22: fix: stable: the 6.2 line comes after the fix landed in mainline 6.2, so it has the fix from its first release | list only stable lines older than 6.2",
      "23: fix: stable: the 6.10 line comes after the fix landed in mainline 6.2, so it has the fix from its first release | list only stable lines older than 6.2",
      `24: fix: stable: '6.1.1' is not a stable line like "5.10" | write e.g. "5.10": "5.10.150"`,
      `25: fix: stable: "5.9": '5.10.1' is not a 5.9 release (5.9.N) nor none | ${release("5.9")}`,
    ],
  );
});

test("a valid fix: text trimmed, a stable release of its own line, none", (t) => {
  const { case: c, problems: p } = load(
    `fix:\n  ${FACTS}  cve: " CVE-2022-12345 "\n  mainline: " 6.2 "\n  stable: { "5.10": " 5.10.150 ", "6.1": none, "5.4": "5.4.1" }\n`,
  );
  t.deepEqual(p, []);
  t.deepEqual(c!.fix, {
    commit: "d6ace0dbcbb7",
    subject: "udp: x",
    cve: "CVE-2022-12345",
    mainline: "6.2",
    stable: { "5.10": "5.10.150", "6.1": null, "5.4": "5.4.1" },
    source: "page",
    at: { file: "x.yaml", line: 10 },
  });
});

test("versions compare number by number, a missing number counting as 0", (t) => {
  t.is(compareVersions([6, 2], [6, 2, 0]), 0);
  t.is(compareVersions([6, 2, 0], [6, 2]), 0);
  t.is(compareVersions([6, 10], [6, 2]), 1);
  t.is(compareVersions([6, 2], [6, 10]), -1);
  t.is(compareVersions([5], [5, 1]), -1);
  t.is(compareVersions([6, 2, 1], [6, 2]), 1);
  t.is(compareVersions([7], [6, 99]), 1);
  t.is(compareVersions([], []), 0);
});

test("missing facts each say what to add; a fix that is not a mapping shows a whole one; an empty cve", (t) => {
  t.deepEqual(problems("fix:\n  cve: CVE-2020-1234\n"), [
    "10: 'fix' needs 'commit' | add the fix's commit id, 12 to 40 lower-case hex digits, e.g. commit: d6ace0dbcbb7",
    `10: 'fix' needs 'subject' | add the fix commit's subject line, e.g. subject: "udp: …"`,
    `10: 'fix' needs 'mainline' | add ${MAINLINE}`,
    "10: 'fix' needs 'source' | add where these facts came from (the commit page, the CVE page, a stable log)",
  ]);
  t.deepEqual(problems("fix: d6ace0dbcbb7\n"), [
    `9: 'fix' maps commit, subject, mainline, stable and source to the fix's facts | write fix: { commit: d6ace0dbcbb7, subject: "udp: …", mainline: "6.2", stable: { "5.10": "5.10.150" }, source: "the commit page" }`,
  ]);
  t.deepEqual(problems(`fix:\n  ${FACTS}  mainline: '6.2'\n  cve: ''\n`), [
    "14: 'fix: cve' is empty, not text | write the CVE id, e.g. cve: CVE-2022-1234, or leave the key out",
  ]);
});

test("a commit id and a CVE id are the whole text, not a part of it", (t) => {
  const commit = (id: string) =>
    problems(`fix:\n  commit: "${id}"\n  subject: s\n  source: s\n  mainline: "6.2"\n`).map((p) => p.split(" | ")[0]);
  for (const id of ["xd6ace0dbcbb7", "d6ace0dbcbb7x", "a".repeat(41)])
    t.deepEqual(commit(id), [`10: fix: commit: '${id}' is not a commit id (12 to 40 lower-case hex digits)`], id);
  const cve = (id: string) =>
    problems(`fix:\n  ${FACTS}  mainline: "6.2"\n  cve: ${id}\n`).map((p) => p.split(" | ")[0]);
  for (const id of ["xCVE-2022-1234", "CVE-2022-1234x"])
    t.deepEqual(cve(id), [`14: fix: cve: '${id}' is not a CVE id (CVE-YYYY-NNNN)`], id);
});

test("releases of two-digit numbers; a stable line with spaces in its quotes is trimmed; a subject of spaces is empty", (t) => {
  const { case: c, problems: p } = load(`fix:\n  ${FACTS}  mainline: "10.1"\n  stable: { " 6.12 ": "6.12.3" }\n`);
  t.deepEqual(p, []);
  t.like(c!.fix, { mainline: "10.1", stable: { "6.12": "6.12.3" } });
  t.deepEqual(problems('fix:\n  commit: d6ace0dbcbb7\n  subject: "  "\n  source: s\n  mainline: "6.2"\n'), [
    `11: 'fix: subject' is empty, not text | write the fix commit's subject line, e.g. subject: "udp: …"`,
  ]);
});

test("readFix: a fix with a problem gives none", (t) => {
  const y = new YamlFile(
    "f.yaml",
    'fix: { commit: d6ace0dbcbb7, subject: s, source: s, mainline: "6.2", cve: nope }\n',
  );
  t.is(readFix(y, y.root()!.get("fix", true) as Node), undefined);
  t.deepEqual(
    y.problems.map((p) => `${p.line}: ${p.message}`),
    ["1: fix: cve: 'nope' is not a CVE id (CVE-YYYY-NNNN)"],
  );
});
