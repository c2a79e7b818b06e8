import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { AllowlistProblemsError, loadAllowlist, readAllowlist } from "../../lab/case/allowlist";
import { loadCase } from "../../lab/case/load-case";
import { loadCatalogue } from "../../lab/case/load-cases";
import { allowlistFor, allowlistPath, DEFAULT_ALLOWLIST } from "../../lab/case/known-bugs-file";
import { DEFAULT_CASES } from "../../lab/case/case-files";

const body = `actors: { a: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353
`;
const regression = loadCase(
  "r.yaml",
  "regressions/udp-bind",
  `schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nfix: { commit: d6ace0dbcbb7, subject: s, mainline: "6.2", source: s }\n${body}`,
).case!;
const plain = loadCase("p.yaml", "hijack/plain", `schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n${body}`).case!;
const ids = ["regressions/udp-bind", "hijack/plain", "regressions/not-loaded"];

function problems(text: string): string[] {
  return readAllowlist("allow.yaml", ids, [regression, plain], text).problems.map(
    (p) => `${p.file}:${p.line}: ${p.message}${p.fix ? ` | ${p.fix}` : ""}`,
  );
}

test("a valid allowlist gives its entries with their lines; an empty one none", (t) => {
  const { entries, problems: p } = readAllowlist(
    "allow.yaml",
    ids,
    [regression, plain],
    `# fixes a kernel is known to lack
allow:
  - case: regressions/udp-bind
    kernel: "5.10"
    reason: "bullseye lacks d6ace0dbcbb7"
  - { case: regressions/not-loaded, kernel: host, reason: r }
`,
  );
  t.deepEqual(p, []);
  t.deepEqual(entries, [
    {
      case: "regressions/udp-bind",
      kernel: "5.10",
      reason: "bullseye lacks d6ace0dbcbb7",
      source: { file: "allow.yaml", line: 3 },
    },
    { case: "regressions/not-loaded", kernel: "host", reason: "r", source: { file: "allow.yaml", line: 6 } },
  ]);
  t.deepEqual(readAllowlist("allow.yaml", ids, [], "# nothing allowed\nallow: []\n"), { entries: [], problems: [] });
});

test("each bad entry gives file:line and a fix", (t) => {
  t.deepEqual(
    problems(`allow:
  - case: regressions/udp-bnd
    kernel: "5.10"
    reason: r
  - case: hijack/plain
    kernel: host
    reason: r
  - case: regressions/udp-bind
    kernel: 5.10
    reason: r
  - case: regressions/udp-bind
    kernel: "6.1"
  - case: regressions/udp-bind
    kernel: "has space"
    reason: r
    why: r
  - just a line
  - { case: regressions/udp-bind, kernel: host, reason: a }
  - { case: regressions/udp-bind, kernel: host, reason: b }
extra: 1
`),
    [
      "allow.yaml:20: unknown key 'extra' | the allowlist has one key, 'allow'",
      "allow.yaml:2: unknown case 'regressions/udp-bnd' | did you mean 'regressions/udp-bind'?",
      "allow.yaml:5: case 'hijack/plain' has no 'fix:', so no fix can be absent from a kernel | the allowlist names regression cases (those with a fix: block); for another known failure use the case's xfail",
      'allow.yaml:9: kernel 5.1 is a number to YAML (5.10 would read as 5.1) | write it in quotes: kernel: "5.1"',
      "allow.yaml:11: an allowlist entry needs 'reason' | add why this kernel lacks the fix, e.g. reason: \"the 5.10 line never took it\"",
      "allow.yaml:16: unknown key 'why' in an allowlist entry | known keys of an entry: case, kernel, reason",
      "allow.yaml:14: 'has space' is not a kernel id | write the kernel's id as in run ids (case.variant@KERNEL), e.g. kernel: \"5.10\" or kernel: host",
      'allow.yaml:17: an allowlist entry maps case, kernel and reason | write - { case: regressions/a-case, kernel: "5.10", reason: "why this kernel lacks the fix" }',
      "allow.yaml:19: regressions/udp-bind on kernel host is allowed twice (first on line 18) | keep one entry per case and kernel",
    ],
  );
});

test("a file that is not an allowlist says what to write", (t) => {
  t.deepEqual(problems(""), [
    "allow.yaml:1: the allowlist is a mapping with one key, 'allow' | write 'allow: []', or under 'allow:' one line a fix: - { case: regressions/a-case, kernel: \"5.10\", reason: \"why this kernel lacks the fix\" }",
  ]);
  t.deepEqual(
    problems("allow: regressions/udp-bind\n").map((p) => p.split(" | ")[0]),
    ["allow.yaml:1: 'allow' is a list of entries"],
  );
  t.deepEqual(
    problems("allowed: []\n").map((p) => p.split(" | ")[0]),
    ["allow.yaml:1: unknown key 'allowed'", "allow.yaml:1: the allowlist needs 'allow'"],
  );
  t.regex(problems("allow: [\n")[0]!, /^allow\.yaml:1: YAML: '\[' is not closed/);
});

test("loadAllowlist: a missing default is empty, a missing named file and problems are one error listing them", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-allowlist-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const missing = join(dir, "none.yaml");
  t.deepEqual(loadAllowlist(missing, ids, [], true), []);
  const e1 = t.throws(() => loadAllowlist(missing, ids, []), { instanceOf: AllowlistProblemsError });
  t.regex(e1.message, /none\.yaml:\d+: /);
  const bad = join(dir, "allow.yaml");
  writeFileSync(bad, "allow:\n  - { case: nope, kernel: host, reason: r }\n");
  const e2 = t.throws(() => loadAllowlist(bad, ids, []), { instanceOf: AllowlistProblemsError });
  t.is(e2.code, "REUSELAB_BAD_ALLOWLIST");
  t.regex(
    e2.message,
    /^1 problem in the known-bugs allowlist .*allow\.yaml; nothing was started:\n {2}.*allow\.yaml:2: unknown case 'nope'/,
  );
});

test("the shipped allowlist is valid against the catalogue (and no case), and the default only with the shipped catalogue", (t) => {
  t.is(allowlistPath({}), DEFAULT_ALLOWLIST);
  t.regex(DEFAULT_ALLOWLIST, /cases\/regressions\/allowlist\.yaml$/);
  t.is(allowlistPath({ cases: ["test/fixtures/known-bugs"] }), undefined);
  t.is(allowlistPath({ cases: ["test/fixtures/known-bugs"], knownBugs: "a.yaml" }), "a.yaml");
  // Loading the catalogue would report allowlist.yaml had it been read as a case.
  const catalogue = loadCatalogue([DEFAULT_CASES]);
  t.false(catalogue.cases.some((c) => c.id === "regressions/allowlist"));
  const entries = allowlistFor({}, catalogue, [DEFAULT_CASES]);
  for (const e of entries) t.truthy(catalogue.cases.find((c) => c.id === e.case)?.fix, e.case);
});

test("values that are not text, a missing kernel; one bad entry leaves no entry at all", (t) => {
  const kernelFix = 'the kernel\'s id as in run ids, e.g. kernel: "5.10"';
  const reasonFix = 'write why this kernel lacks the fix, e.g. reason: "the 5.10 line never took it"';
  t.deepEqual(
    problems(
      "allow:\n  - { case: regressions/udp-bind, kernel: ' 5.10 ', reason: ' r ' }\n" +
        "  - { case: regressions/udp-bind, kernel: [a], reason: 3 }\n" +
        "  - { case: regressions/udp-bind, reason: [r] }\n" +
        "  - { case: 12, kernel: host, reason: r }\n",
    ),
    [
      `allow.yaml:3: 'kernel' is not text | write ${kernelFix}`,
      `allow.yaml:3: 'reason' is not text | ${reasonFix}`,
      `allow.yaml:4: an allowlist entry needs 'kernel' | add ${kernelFix}`,
      `allow.yaml:4: 'reason' is not text | ${reasonFix}`,
      "allow.yaml:5: 'case' is not text | write the case id as the lab names it, e.g. case: regressions/a-case",
    ],
  );
  const bad = readAllowlist(
    "allow.yaml",
    ids,
    [regression, plain],
    "allow:\n  - { case: regressions/udp-bind, kernel: host, reason: r }\n  - { case: regressions/udp-bind, kernel: [a], reason: r }\n",
  );
  t.deepEqual(bad.entries, [], "entries are given only when there is no problem");
  t.is(bad.problems.length, 1);
  t.deepEqual(
    readAllowlist(
      "allow.yaml",
      ids,
      [regression],
      "allow:\n  - { case: regressions/udp-bind, kernel: ' 5.10 ', reason: ' r ' }\n",
    ),
    {
      entries: [{ case: "regressions/udp-bind", kernel: "5.10", reason: "r", source: { file: "allow.yaml", line: 2 } }],
      problems: [],
    },
  );
});

test("the error counts its problems, in the plural, each on its own line with its fix when it has one", (t) => {
  const e = new AllowlistProblemsError("a.yaml", [
    { file: "a.yaml", line: 1, message: "m", fix: "f" },
    { file: "a.yaml", line: 2, message: "n" },
  ]);
  t.is(
    e.message,
    "2 problems in the known-bugs allowlist a.yaml; nothing was started:\n  a.yaml:1: m; f\n  a.yaml:2: n",
  );
  t.is(e.code, "REUSELAB_BAD_ALLOWLIST");
  t.is(e.file, "a.yaml");
});

test("allowlistFor: a catalogue of one's own and no --known-bugs has no allowlist; a named one is read", (t) => {
  const catalogue = { cases: [regression, plain], claims: [] };
  t.deepEqual(allowlistFor({ cases: ["test/fixtures/known-bugs"] }, catalogue, ["test/fixtures/known-bugs"]), []);
  const dir = mkdtempSync(join(tmpdir(), "reuselab-allowlist-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "allow.yaml");
  writeFileSync(file, "allow:\n  - { case: regressions/udp-bind, kernel: host, reason: r }\n");
  t.deepEqual(allowlistFor({ cases: [DEFAULT_CASES], knownBugs: file }, catalogue, [DEFAULT_CASES]), [
    { case: "regressions/udp-bind", kernel: "host", reason: "r", source: { file, line: 2 } },
  ]);
  const missing = join(dir, "none.yaml");
  const e = t.throws(() => allowlistFor({ knownBugs: missing }, catalogue, [DEFAULT_CASES]), {
    instanceOf: AllowlistProblemsError,
  });
  t.is(e?.file, missing, "a file named on the command line is named as written");
});

test("the shipped allowlist's entries are named from the working folder, as the default path reads", (t) => {
  const catalogue = loadCatalogue([DEFAULT_CASES]);
  const entries = allowlistFor({}, catalogue, [DEFAULT_CASES]);
  t.true(entries.length > 0);
  const shown = relative(process.cwd(), DEFAULT_ALLOWLIST);
  t.is(shown, join("cases", "regressions", "allowlist.yaml"));
  for (const e of entries) t.is(e.source.file, shown);
});

test("blank text is no text: a reason of spaces, an empty case id, an empty kernel", (t) => {
  t.deepEqual(
    problems(
      'allow:\n  - { case: regressions/udp-bind, kernel: host, reason: "  " }\n  - { case: "", kernel: "", reason: r }\n',
    ),
    [
      "allow.yaml:2: 'reason' is not text | write why this kernel lacks the fix, e.g. reason: \"the 5.10 line never took it\"",
      "allow.yaml:3: 'case' is not text | write the case id as the lab names it, e.g. case: regressions/a-case",
      "allow.yaml:3: '' is not a kernel id | write the kernel's id as in run ids (case.variant@KERNEL), e.g. kernel: \"5.10\" or kernel: host",
    ],
  );
});

test("allowlistFor with --cases narrowed to one file: the allowlist may name the other cases of its folder", (t) => {
  const one = [join(DEFAULT_CASES, "regressions", "tcp-listen-conflict-reported-as-success.yaml")];
  const catalogue = loadCatalogue(one);
  t.deepEqual(
    catalogue.cases.map((c) => c.id),
    ["regressions/tcp-listen-conflict-reported-as-success"],
  );
  // The shipped allowlist's entries are of two other cases, not loaded but known from the folder.
  t.deepEqual(
    allowlistFor({ cases: one, knownBugs: DEFAULT_ALLOWLIST }, catalogue, one).map((e) => `${e.case}@${e.kernel}`),
    ["regressions/udp-wildcard-bind-past-ten-sockets@5.10", "regressions/reuseport-incoming-cpu-ignored@5.10"],
  );
});

test("a YAML error is the one problem said: the half-read entry on its line is not judged", (t) => {
  t.deepEqual(problems("allow:\n  - { case: nope, kernel: 5.10, reason: r\n"), [
    "allow.yaml:2: YAML: '{' is not closed on this line | add '}'",
  ]);
});

test("no 'allow', or an 'allow' that is no list: each says what to write; an unknown case lists the known", (t) => {
  const write = `write 'allow: []', or list entries: ${'- { case: regressions/a-case, kernel: "5.10", reason: "why this kernel lacks the fix" }'}`;
  t.deepEqual(problems("{}\n"), [`allow.yaml:1: the allowlist needs 'allow' | ${write}`]);
  t.deepEqual(problems("allow: 3\n"), [`allow.yaml:1: 'allow' is a list of entries | ${write}`]);
  t.deepEqual(problems("allow:\n  - { case: zzzzzzzzz, kernel: host, reason: r }\n"), [
    "allow.yaml:2: unknown case 'zzzzzzzzz' | known cases: regressions/udp-bind, hijack/plain, regressions/not-loaded",
  ]);
});
