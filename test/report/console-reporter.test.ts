// The console reporter on sessions built here (no backend, no root): the session's first lines (runs,
// kernels and where each came from, leftovers removed), one line per run with its evidence or its
// problems, the matrix across kernels, the summary, and the claims audit; plain, and in colour.
import test from "ava";
import type { KernelInfo } from "../../lab/kernel-info";
import { loadCatalogue } from "../../lab/case/load-cases";
import { EventBus, type LabEvent } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { ConsoleReporter, problemLines } from "../../lab/report/console-reporter";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { RunResult, StepResult } from "../../lab/verdict/outcome";
import { disagreement, host, old, runOf, stepResult } from "./results";

const planned = plan(loadCatalogue(["test/fixtures/known-bugs"]).cases, [host], {});
const fairness = { mean: 100, maxDeviationPct: 10, chiSquare: 2, degreesOfFreedom: 1, pValue: 0.16, fair: true };
const evidenceSteps = [
  stepResult("ok", { ret: 0 }),
  stepResult("EADDRINUSE", { ret: -1, errno: "EADDRINUSE" }),
  stepResult("10", { ret: 0, count: 10 }, { actor: "a", call: "send 10 udp 10.0.0.1:53" }),
  stepResult("10..20", { ret: 0, count: 18 }, { actor: "r", call: "recv s" }),
  stepResult("EADDRINUSE", { error: "the actor is gone" }, { actor: "g" }),
  stepResult(
    "total 200, fair",
    { ret: 0, count: 200, counts: { m1: 90, m2: 110 }, fairness },
    { actor: "m", call: "recv-group s" },
  ),
  stepResult(
    "total 200",
    { ret: 0, count: 200, counts: { m1: 90, m2: 110 }, fairness },
    { actor: "n", call: "recv-group s" },
  ),
  stepResult("killed", { exit: { code: null, signal: "SIGKILL" } }, { actor: "k", call: "crash" }),
];
const results: RunResult[] = [
  { ...runOf("pass"), outcome: "passed", steps: evidenceSteps },
  { ...runOf("quiet"), outcome: "passed", steps: [stepResult("ok", { ret: 0 })] },
  {
    ...runOf("fail"),
    outcome: "failed",
    failures: [disagreement, { ...disagreement, line: 11, call: undefined, message: "expected 20 but got 3" }],
  },
  { ...runOf("lab"), outcome: "failed", failures: [{ file: "cases/lab.yaml", line: 1, message: "the lab failed" }] },
  { ...runOf("known"), outcome: "xfail", reason: "the kernel says no", failures: [disagreement] },
  { ...runOf("stale"), outcome: "xpass", reason: "was broken" },
  { ...runOf("old"), outcome: "skipped", reason: "needs a kernel <3.9" },
];
const noBugs = { kernels: {}, staleAllowlist: [] };
const finished = (over: Partial<Extract<LabEvent, { type: "session-finished" }>> = {}): LabEvent => ({
  type: "session-finished",
  kernels: [host],
  results,
  claims: [],
  audit: [],
  knownBugs: noBugs,
  durationMs: 4000,
  interrupted: false,
  ...over,
});

function consoleOf(events: LabEvent[], color = false): string {
  let out = "";
  const bus = new EventBus().add(new ConsoleReporter({ write: (s) => (out += s), color }));
  for (const e of events) bus.emit(e);
  return out;
}
const started = (kernels: KernelInfo[], runs = planned, leftoversRemoved: Record<string, number> = {}): LabEvent => ({
  type: "session-started",
  backend: "netns",
  kernels,
  runs,
  leftoversRemoved,
});
const ran = (result: RunResult): LabEvent => ({ type: "run-finished", run: planned[0]!, result });

test("the first line: how many runs, on which backend and kernels; leftovers removed get a line of their own", (t) => {
  t.is(consoleOf([started([host])]), "reuselab: 2 runs on the netns backend, kernel host (6.18.44)\n");
  t.is(
    consoleOf([started([host, old], planned.slice(0, 1))]),
    "reuselab: 1 run on the netns backend, kernel host (6.18.44), 5.10 (5.10.0-46-cloud-amd64)\n",
  );
  t.is(
    consoleOf([started([host], planned, { containers: 2, networks: 1 })]),
    "reuselab: 2 runs on the netns backend, kernel host (6.18.44)\nreuselab: removed 2 containers and 1 networks left by a killed earlier run\n",
  );
});

test("each guest kernel's provenance under the first line: package, file, image or build tree, with its sha256 cut to 16 digits", (t) => {
  const sha = (c: string) => c.repeat(16) + "9999";
  const kernels: KernelInfo[] = [
    host,
    {
      id: "5.10",
      release: "5.10.0-46-cloud-amd64",
      build: "Linux version 5.10.0-46 #1 SMP",
      source: {
        kind: "debian",
        sha256: sha("a"),
        suite: "bullseye",
        package: "linux-image-5.10",
        version: "5.10.262-1",
        parts: [
          { package: "linux-modules-5.10", sha256: sha("b") },
          { package: "linux-binary-5.10", sha256: sha("c") },
        ],
      },
    },
    {
      id: "6.1",
      release: "6.1.1",
      source: { kind: "debian", sha256: sha("a"), suite: "bookworm", package: "linux-image-6.1", version: "6.1.1-1" },
    },
    {
      id: "deb",
      release: "6.2.0",
      source: { kind: "deb", sha256: sha("d"), package: "linux-image-6.2", version: "6.2.0-1", path: "/k/l.deb" },
    },
    {
      id: "img",
      release: "6.3.0",
      source: { kind: "image", sha256: sha("e"), path: "/k/bzImage", modules: "/k/mods" },
    },
    { id: "bare", release: "6.4.0", source: { kind: "image", sha256: sha("f"), path: "/k/bzImage2" } },
    { id: "tree", release: "6.5.0", build: "#2 SMP", source: { kind: "tree", sha256: sha("0"), path: "/src/linux" } },
  ];
  const lines = consoleOf([started(kernels)])
    .split("\n")
    .slice(1);
  t.deepEqual(lines, [
    `  5.10: 5.10.0-46-cloud-amd64, linux-image-5.10 5.10.262-1 from Debian bullseye (.deb sha256 ${"a".repeat(16)}…; with linux-modules-5.10 ${"b".repeat(16)}…, linux-binary-5.10 ${"c".repeat(16)}…); Linux version 5.10.0-46 #1 SMP`,
    `  6.1: 6.1.1, linux-image-6.1 6.1.1-1 from Debian bookworm (.deb sha256 ${"a".repeat(16)}…)`,
    `  deb: 6.2.0, linux-image-6.2 6.2.0-1 from /k/l.deb (sha256 ${"d".repeat(16)}…)`,
    `  img: 6.3.0, image /k/bzImage (sha256 ${"e".repeat(16)}…) with modules /k/mods`,
    `  bare: 6.4.0, image /k/bzImage2 (sha256 ${"f".repeat(16)}…), no modules`,
    `  tree: 6.5.0, build tree /src/linux (bzImage sha256 ${"0".repeat(16)}…); #2 SMP`,
    "",
  ]);
});

test("on one kernel, a line per run: a pass with the observations that carry its point, every other outcome with its problems", (t) => {
  const out = consoleOf([started([host]), ...results.map(ran)])
    .split("\n")
    .slice(1);
  t.deepEqual(out, [
    "  PASS  pass.v@host  1500 ms",
    // Not the ok, send and failed-to-run steps; an errno without its -1; fairness only where the step asked for it.
    "        b bind EADDRINUSE · r recv 18 · m recv-group 90/110 (total 200, max deviation 10%, chi-square 2, p=0.16) · n recv-group 90/110 (total 200) · k crash killed by SIGKILL",
    "  PASS  quiet.v@host  1500 ms",
    "  FAIL  fail.v@host  1500 ms",
    "        cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
    "        cases/c.yaml:11: b: expected 20 but got 3",
    "  FAIL  lab.v@host  1500 ms",
    "        cases/lab.yaml:1: the lab failed",
    "  XFAIL known.v@host  1500 ms",
    "        known failure: the kernel says no",
    "  XPASS stale.v@host  1500 ms",
    "        expected to fail (was broken) but passed: update the case",
    "  SKIP  old.v@host  1500 ms",
    "        needs a kernel <3.9",
    "",
  ]);
});

test("the summary counts each outcome that occurred (passed and failed always), the time, and an interruption", (t) => {
  t.is(consoleOf([finished()]), "7 runs: 2 passed, 2 failed, 1 skipped, 1 xfail, 1 xpass in 4.0 s\n");
  t.is(
    consoleOf([finished({ results: results.slice(1, 2), durationMs: 1260, interrupted: true })]),
    "1 run: 1 passed, 0 failed in 1.3 s (interrupted)\n",
  );
});

test("across kernels: only runs that did not pass get a line, then the matrix with why each row differs", (t) => {
  const count = (n: number, expect: string, line = 12): StepResult =>
    stepResult(expect, { ret: 0, count: n }, { line, actor: "r", call: "recv s" });
  const across: RunResult[] = [
    { ...runOf("same"), outcome: "passed" },
    { ...runOf("same", "5.10"), outcome: "passed" },
    { ...runOf("fail"), outcome: "failed", failures: [disagreement] },
    { ...runOf("fail", "5.10"), outcome: "passed" },
    { ...runOf("new"), outcome: "passed" },
    { ...runOf("new", "5.10"), outcome: "skipped", reason: "needs a kernel >=9.0" },
    { ...runOf("spread"), outcome: "passed", steps: [count(200, "200", 11), count(200, "200")] },
    { ...runOf("spread", "5.10"), outcome: "passed", steps: [count(200, "200", 11), count(118, "40..160")] },
  ];
  const out = consoleOf([
    started([host, old]),
    ...across.map(ran),
    finished({ kernels: [host, old], results: across }),
  ]);
  const lines = out.split("\n");
  t.deepEqual(lines.slice(1, 6), [
    "  FAIL  fail.v@host  1500 ms",
    "        cases/c.yaml:9: b: bind udp 0.0.0.0:53: expected ok but got -1 EADDRINUSE",
    "  SKIP  new.v@5.10  1500 ms",
    "        needs a kernel >=9.0",
    "",
  ]);
  // cli-table3 widens the columns to fit the notes that span them.
  const table = lines.slice(6, 14);
  t.regex(table[0]!, /^ {2}case\.variant +host +5\.10$/);
  t.regex(table[1]!, /^ {2}same\.v +pass +pass$/);
  t.regex(table[2]!, /^ {2}fail\.v +FAIL +pass +<- kernels differ$/);
  t.regex(table[3]!, /^ {6}host: failed, expected ok but got -1 EADDRINUSE$/);
  t.regex(table[4]!, /^ {2}new\.v +pass +skip +<- kernels differ$/);
  t.regex(table[5]!, /^ {6}5\.10: skipped, needs a kernel >=9\.0$/);
  t.regex(table[6]!, /^ {2}spread\.v +pass +pass +<- kernels differ$/);
  // The step that expects something else on 5.10, with the range it was held to; not the step expected alike.
  t.regex(table[7]!, /^ {6}line 12: host 200, 5\.10 118 \(expected 40\.\.160\)$/);
  t.true(
    out.endsWith(
      `${table[7]}\nkernels differ on 3 of 4 case variants\n\n8 runs: 6 passed, 1 failed, 1 skipped in 4.0 s\n`,
    ),
    out,
  );
});

const audit = (id: string, verdicts: ClaimAudit["verdicts"], evidence: string[] = []): ClaimAudit => ({
  id,
  verdicts,
  evidence,
  relations: {},
});

test("the claims audit on one kernel: the counts, the judged claims worst first with their evidence, the untested named", (t) => {
  const claims = [
    audit("c-ok", { host: "confirmed" }, ["x.v@host"]),
    audit("c-no", { host: "refuted" }, ["y.v@host", "z.v@host", "w.v@host"]),
    audit("c-none", { host: "untested" }),
    audit("c-half", { host: "partly" }, ["p.v@host"]),
  ];
  t.is(
    consoleOf([finished({ results: [], audit: claims })]),
    [
      "0 runs: 0 passed, 0 failed in 4.0 s",
      "claims audit, 4 claims of the seed guide on host: 1 refuted, 1 partly, 1 confirmed, 1 untested",
      "  REFUTED    c-no    y.v@host (+2)",
      "  PARTLY     c-half  p.v@host",
      "  CONFIRMED  c-ok    x.v@host",
      "  1 untested: no passing run of this selection names them: c-none",
      "",
    ].join("\n"),
  );
});

test("the claims audit across kernels: counts per kernel, each claim's verdict per kernel ranked by its worst; many untested are not named", (t) => {
  const untested = Array.from({ length: 9 }, (_, i) => audit(`u${i}`, { host: "untested", "5.10": "untested" }));
  const claims = [
    audit("c-a", { host: "confirmed", "5.10": "confirmed" }, ["a.v@host"]),
    audit("c-b", { host: "untested", "5.10": "refuted" }, ["b.v@5.10"]),
    ...untested,
  ];
  const out = consoleOf([finished({ kernels: [host, old], results: [], audit: claims })]);
  t.is(
    out.slice(out.indexOf("claims audit")),
    [
      "claims audit, 11 claims of the seed guide",
      "  on host: 0 refuted, 0 partly, 1 confirmed, 10 untested",
      "  on 5.10: 1 refuted, 0 partly, 1 confirmed, 9 untested",
      "  host:UNTESTED  5.10:REFUTED    c-b  b.v@5.10",
      "  host:CONFIRMED 5.10:CONFIRMED  c-a  a.v@host",
      "  9 untested: no passing run of this selection names them (the JSON results list them)",
      "",
    ].join("\n"),
  );
  // No claim judged: no table, only the untested.
  const none = consoleOf([finished({ results: [], audit: [audit("u", { host: "untested" })] })]);
  t.true(
    none.endsWith(
      "claims audit, 1 claims of the seed guide on host: 0 refuted, 0 partly, 0 confirmed, 1 untested\n  1 untested: no passing run of this selection names them: u\n",
    ),
    none,
  );
});

test("in colour: each outcome's label and each verdict in its own colour, the evidence and times dim", (t) => {
  const esc = (code: number, text: string, end = 39) => `\x1b[${code}m${text}\x1b[${end}m`;
  const out = consoleOf(
    [
      ...results.map(ran),
      finished({
        results: [],
        audit: [
          audit("c-no", { host: "refuted" }, ["y"]),
          audit("c-half", { host: "partly" }, ["p"]),
          audit("c-ok", { host: "confirmed" }, ["x"]),
          audit("c-none", { host: "untested" }),
        ],
      }),
    ],
    true,
  );
  for (const [label, code] of [
    ["PASS ", 32],
    ["FAIL ", 31],
    ["XFAIL", 36],
    ["XPASS", 35],
    ["SKIP ", 33],
  ] as const)
    t.true(out.includes(`  ${esc(code, label)} `), label);
  t.true(
    out.includes(
      `  ${esc(32, "PASS ")} pass.v@host  ${esc(2, "1500 ms", 22)}\n        \x1b[2mb bind EADDRINUSE · r recv 18 · `,
    ),
  );
  for (const [verdict, code] of [
    ["REFUTED", 31],
    ["PARTLY", 33],
    ["CONFIRMED", 32],
  ] as const)
    t.true(out.includes(esc(code, verdict)), verdict);
  t.true(out.includes(esc(2, "1 untested: no passing run of this selection names them: c-none", 22)));
  const matrix = consoleOf(
    [
      finished({
        kernels: [host, old],
        results: [
          { ...runOf("f"), outcome: "failed", failures: [disagreement] },
          { ...runOf("f", "5.10"), outcome: "passed" },
        ],
      }),
    ],
    true,
  );
  t.true(
    matrix.includes(esc(31, "FAIL")) &&
      matrix.includes(esc(32, "pass")) &&
      matrix.includes(esc(33, "<- kernels differ")),
    matrix,
  );
});

test("the audit names up to 8 untested claims; a verdict column as wide as its longest verdict", (t) => {
  const eight = Array.from({ length: 8 }, (_, i) => audit(`u${i}`, { host: "untested" }));
  const out = consoleOf([finished({ results: [], audit: [audit("c-no", { host: "refuted" }, ["y"]), ...eight] })]);
  t.true(
    out.endsWith(
      "  REFUTED  c-no  y\n  8 untested: no passing run of this selection names them: u0, u1, u2, u3, u4, u5, u6, u7\n",
    ),
    out,
  );
});

test("across kernels, a run with more steps than the first kernel's: the steps both have are compared, the extra one is not", (t) => {
  const count = (n: number, expect: string, line: number): StepResult =>
    stepResult(expect, { ret: 0, count: n }, { line, actor: "r", call: "recv s" });
  const across: RunResult[] = [
    { ...runOf("extra"), outcome: "passed", steps: [count(200, "200", 11)] },
    { ...runOf("extra", "5.10"), outcome: "passed", steps: [count(200, "200", 11), count(5, "5", 13)] },
  ];
  const out = consoleOf([finished({ kernels: [host, old], results: across })]);
  t.regex(out, /^ {2}extra\.v +pass +pass +<- kernels differ\nkernels differ on 1 of 1 case variants\n/m);
});

test("the matrix across three kernels: a missing run, rows alike, xfail and xpass cells, steps compared by position from the first kernel that ran", (t) => {
  const k61: KernelInfo = { id: "6.1", release: "6.1.0" };
  const counts = (...expects: [string, number][]): StepResult[] =>
    expects.map(([e, line]) => stepResult(e, { ret: 0, count: Number(e) }, { line, actor: "r", call: "recv s" }));
  const on = (kernel: string, over: Partial<RunResult> & Pick<RunResult, "outcome">, id: string) =>
    ({ ...runOf(id, kernel), ...over }) as RunResult;
  const each = (id: string, ...over: (Partial<RunResult> & Pick<RunResult, "outcome">)[]) =>
    over.map((o, i) => on([host, old, k61][i]!.id, o, id));
  const across: RunResult[] = [
    on("host", { outcome: "passed" }, "only"),
    ...each("alike", ...Array(3).fill({ outcome: "failed", failures: [disagreement] })),
    ...each(
      "known",
      { outcome: "xfail", reason: "r", failures: [] },
      { outcome: "xpass", reason: "r" },
      { outcome: "xfail", reason: "r", failures: [] },
    ),
    ...each(
      "split",
      { outcome: "passed", steps: counts(["1", 11], ["23", 12]) },
      { outcome: "passed", steps: counts(["12", 11], ["3", 12]) },
      { outcome: "passed", steps: counts(["1", 11], ["23", 12]) },
    ),
    ...each(
      "late",
      { outcome: "skipped", reason: "needs a kernel >=9.0" },
      { outcome: "passed", steps: counts(["5", 20]) },
      { outcome: "passed", steps: counts(["7", 20]) },
    ),
  ];
  const out = consoleOf([finished({ kernels: [host, old, k61], results: across })]);
  const lines = out.split("\n");
  const row = (id: string) => lines.find((l) => l.startsWith(`  ${id}.v `)) ?? "";
  t.regex(row("only"), /^ {2}only\.v +pass$/);
  t.regex(row("alike"), /^ {2}alike\.v +FAIL +FAIL +FAIL$/);
  t.regex(row("known"), /^ {2}known\.v +xfail +XPASS +xfail +<- kernels differ$/);
  const notes = lines.filter((l) => l.startsWith("      "));
  t.deepEqual(notes, [
    "      line 11: host 1, 5.10 12",
    "      line 12: host 23, 5.10 3",
    "      host: skipped, needs a kernel >=9.0",
    "      line 20: 5.10 5, 6.1 7",
  ]);
  t.true(out.includes("\nkernels differ on 3 of 5 case variants\n"), out);
});

test("an audit with every claim judged has no untested line", (t) => {
  t.true(
    consoleOf([finished({ results: [], audit: [audit("c-ok", { host: "confirmed" }, ["x"])] })]).endsWith(
      "\n  CONFIRMED  c-ok  x\n",
    ),
  );
});

test("with no writer given, the console writes to standard output", (t) => {
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    new ConsoleReporter({ color: false }).onEvent(finished({ results: [] }));
  } finally {
    process.stdout.write = write;
  }
  t.is(out, "0 runs: 0 passed, 0 failed in 4.0 s\n");
});

test("a run that passed has no problem lines", (t) => {
  t.deepEqual(problemLines({ ...runOf("p"), outcome: "passed" }), []);
});
