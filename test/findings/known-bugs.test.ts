import test from "ava";
import type { KernelInfo } from "../../lab/kernel-info";
import type { AllowEntry } from "../../lab/case/allowlist";
import type { Fix } from "../../lab/case/case";
import { loadCase } from "../../lab/case/load-case";
import { plan } from "../../lab/plan/plan";
import { predictFix, upstreamVersion } from "../../lab/findings/fix-prediction";
import { judgeFix, knownBugs } from "../../lab/findings/known-bugs";
import type { RunResult } from "../../lab/verdict/outcome";

const fix: Fix = {
  commit: "d6ace0dbcbb7",
  subject: "udp: fix it",
  cve: "CVE-2026-31503",
  mainline: "6.2",
  stable: { "5.10": "5.10.150", "5.15": "5.15.80", "5.4": null },
  source: "s",
  at: { file: "x.yaml", line: 5 },
};

const debian510: KernelInfo = {
  id: "5.10",
  release: "5.10.0-46-cloud-amd64",
  build:
    "Linux version 5.10.0-46-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.262-1 (2026-10-01)",
  source: {
    kind: "debian",
    sha256: "0".repeat(64),
    suite: "bullseye-security",
    package: "linux-image-5.10.0-46-cloud-amd64",
    version: "5.10.262-1",
  },
};

const k = (id: string, release: string, extra: Partial<KernelInfo> = {}): KernelInfo => ({ id, release, ...extra });

test("the upstream version comes from /proc/version, the Debian package, or the release, in that order", (t) => {
  t.deepEqual(upstreamVersion(debian510), { version: [5, 10, 262], from: "/proc/version (Debian 5.10.262-1)" });
  t.deepEqual(upstreamVersion({ ...debian510, build: "" }), {
    version: [5, 10, 262],
    from: "the package version 5.10.262-1",
  });
  t.deepEqual(upstreamVersion(k("host", "6.18.44-fc-v1272")), {
    version: [6, 18, 44],
    from: "the release 6.18.44-fc-v1272",
  });
  t.deepEqual(upstreamVersion(k("6.12", "6.12.117+deb13-cloud-amd64"))?.version, [6, 12, 117]);
  // An ABI number after .0 is not the patch level: only the line is known.
  t.deepEqual(upstreamVersion(k("u", "5.15.0-91-generic"))?.version, [5, 15]);
  t.is(upstreamVersion(k("x", "custom")), undefined);
});

test("the prediction follows mainline and the stable map, Debian-style releases included", (t) => {
  const p = (kernel: KernelInfo) => predictFix(fix, kernel).predicted;
  t.is(p(debian510), "present"); // 5.10.262 >= 5.10.150
  t.is(p(k("a", "5.10.149")), "absent");
  t.is(p(k("a", "5.10.150")), "present");
  t.is(p(k("a", "6.2.0")), "present");
  t.is(p(k("a", "6.18.44-fc-v1272")), "present");
  t.is(p(k("a", "6.1.100")), "unknown"); // the 6.1 line is not in the map
  t.is(p(k("a", "5.4.300")), "absent"); // the line never took it
  t.is(p(k("a", "5.15.0-91-generic")), "unknown"); // line known, patch level not
  t.is(p(k("a", "5.4.0-200-generic")), "absent"); // line known and never fixed
  t.is(p(k("a", "6.3.0-1-amd64")), "present"); // line after mainline
  t.regex(
    predictFix(fix, debian510).because,
    /^5\.10\.262 \(\/proc\/version \(Debian 5\.10\.262-1\)\) is at or after 5\.10\.150, the 5\.10 line's first release with the fix$/,
  );
});

const caseText = (commit: string) => `schemaVersion: 1
title: t
rule: r
source: s
fix: { commit: ${commit}, subject: "udp: fix it", mainline: "6.2", stable: { "5.10": "5.10.150" }, source: s }
variants: { v4: {}, v6: {} }
actors: { a: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353
`;

const regression = loadCase("cases/regressions/r.yaml", "regressions/r", caseText("d6ace0dbcbb7")).case!;
const plain = loadCase("cases/p.yaml", "p", caseText("d6ace0dbcbb7").replace(/^fix:.*\n/m, "")).case!;

function result(id: string, outcome: RunResult["outcome"]): RunResult {
  const [c, rest] = id.split(/\.(?=[^.]*@)/) as [string, string];
  const [variant, kernel] = rest.split("@") as [string, string];
  const base = { id, case: c, variant, kernel, durationMs: 1, steps: [] };
  const failures = [
    {
      file: "cases/regressions/r.yaml",
      line: 9,
      actor: "a",
      call: "bind udp 0.0.0.0:5353",
      message: "expected ok but got -1 EADDRINUSE",
    },
  ];
  switch (outcome) {
    case "passed":
      return { ...base, outcome };
    case "failed":
      return { ...base, outcome, failures };
    case "xfail":
      return { ...base, outcome, reason: "r", failures };
    case "xpass":
      return { ...base, outcome, reason: "r" };
    case "skipped":
      return { ...base, outcome, reason: "needs a kernel >=9.0" };
  }
}

const host = k("host", "6.18.44");
const old = k("5.10", "5.10.100");
const kernels = [host, old];

test("status from the outcomes: passed is present, a failure absent with the failing step, skipped not-run with its reason; only cases with fix count", (t) => {
  const runs = plan([regression, plain], kernels);
  const results = [
    result("regressions/r.v4@host", "passed"),
    result("regressions/r.v6@host", "skipped"),
    result("regressions/r.v4@5.10", "passed"),
    result("regressions/r.v6@5.10", "failed"),
    result("p.v4@host", "failed"),
  ];
  const kb = knownBugs(runs, results, kernels);
  t.deepEqual(Object.keys(kb.kernels), ["host", "5.10"]);
  t.deepEqual(kb.kernels.host, [
    {
      case: "regressions/r",
      fix: "d6ace0dbcbb7",
      subject: "udp: fix it",
      status: "present",
      evidence: ["regressions/r.v4@host"],
      predicted: "present",
      because: "6.18.44 (the release 6.18.44) is at or after mainline 6.2, which has the fix",
      disagrees: false,
    },
  ]);
  const b = kb.kernels["5.10"]![0]!;
  t.is(b.status, "absent");
  t.deepEqual(b.evidence, [
    "regressions/r.v6@5.10: cases/regressions/r.yaml:9: a: bind udp 0.0.0.0:5353: expected ok but got -1 EADDRINUSE",
  ]);
  t.is(b.predicted, "absent");
  t.false(b.disagrees);
  t.deepEqual(kb.staleAllowlist, []);

  const skipped = knownBugs(
    runs,
    [result("regressions/r.v4@host", "skipped"), result("regressions/r.v6@host", "skipped")],
    [host],
  ).kernels.host![0]!;
  t.is(skipped.status, "not-run");
  t.deepEqual(skipped.evidence, [
    "regressions/r.v4@host: needs a kernel >=9.0",
    "regressions/r.v6@host: needs a kernel >=9.0",
  ]);
  t.false(skipped.disagrees);
  t.deepEqual(knownBugs(runs, [], [host]).kernels.host![0]!.evidence, ["no run of it finished"]);
  t.is(knownBugs(runs, [result("regressions/r.v4@host", "xfail")], [host]).kernels.host![0]!.status, "absent");
  t.is(knownBugs(runs, [result("regressions/r.v4@host", "xpass")], [host]).kernels.host![0]!.status, "present");
});

test("the disagreement flag: a missing stable backport, and a backport present early", (t) => {
  const runs = plan([regression], kernels);
  // host 6.18 should have it and lacks it; 5.10.100 should lack it and has it.
  const kb = knownBugs(
    runs,
    [result("regressions/r.v4@host", "failed"), result("regressions/r.v4@5.10", "passed")],
    kernels,
  );
  t.like(kb.kernels.host![0], { status: "absent", predicted: "present", disagrees: true });
  t.like(kb.kernels["5.10"]![0], { status: "present", predicted: "absent", disagrees: true });
  // Unknown predictions never disagree.
  const unknown = k("5.10", "weird");
  t.like(
    knownBugs(plan([regression], [unknown]), [result("regressions/r.v4@5.10", "failed")], [unknown]).kernels[
      "5.10"
    ]![0],
    { predicted: "unknown", disagrees: false },
  );
});

test("an allowlisted absent fix carries the reason; an allowlisted present one is a stale entry", (t) => {
  const allow: AllowEntry[] = [
    { case: "regressions/r", kernel: "5.10", reason: "bullseye lacks it", source: { file: "allow.yaml", line: 3 } },
    { case: "regressions/r", kernel: "host", reason: "thought it lacked it", source: { file: "allow.yaml", line: 6 } },
  ];
  const runs = plan([regression], kernels, {}, allow);
  const kb = knownBugs(
    runs,
    [
      result("regressions/r.v4@5.10", "xfail"),
      result("regressions/r.v4@host", "passed"),
      result("regressions/r.v6@host", "passed"),
    ],
    kernels,
  );
  t.is(kb.kernels["5.10"]![0]!.allowed, "bullseye lacks it");
  t.is(kb.kernels.host![0]!.allowed, undefined);
  t.deepEqual(kb.staleAllowlist, [
    {
      case: "regressions/r",
      kernel: "host",
      reason: "thought it lacked it",
      file: "allow.yaml",
      line: 6,
      evidence: ["regressions/r.v4@host", "regressions/r.v6@host"],
    },
  ]);
});

test("a lab that could not run the trigger is no evidence: not-run, with its error", (t) => {
  const runs = plan([regression], [host]);
  const labError: RunResult = {
    ...result("regressions/r.v4@host", "passed"),
    outcome: "failed",
    failures: [{ file: "cases/regressions/r.yaml", line: 1, message: "the lab failed: boom" }],
  };
  const b = knownBugs(runs, [labError, result("regressions/r.v6@host", "passed")], [host]).kernels.host![0]!;
  t.like(b, { status: "not-run", disagrees: false });
  t.deepEqual(b.evidence, ["regressions/r.v4@host: cases/regressions/r.yaml:1: the lab failed: boom"]);
});

test("judgeFix carries the fix's commit, subject and CVE", (t) => {
  const bug = judgeFix(fix, "regressions/r", [result("regressions/r.v4@host", "passed")], host);
  t.like(bug, {
    case: "regressions/r",
    fix: "d6ace0dbcbb7",
    subject: "udp: fix it",
    cve: "CVE-2026-31503",
    status: "present",
  });
  t.false("cve" in judgeFix({ ...fix, cve: undefined }, "regressions/r", [], host));
});

test("an allowlisted fix that did not run is neither allowed nor stale", (t) => {
  const allow: AllowEntry[] = [
    { case: "regressions/r", kernel: "host", reason: "thought it lacked it", source: { file: "allow.yaml", line: 6 } },
  ];
  const kb = knownBugs(plan([regression], [host], {}, allow), [result("regressions/r.v4@host", "skipped")], [host]);
  t.like(kb.kernels.host![0], { status: "not-run", allowed: undefined });
  t.false("allowed" in kb.kernels.host![0]!);
  t.deepEqual(kb.staleAllowlist, []);
});

test("two regression cases on one kernel are judged apart, each from its own runs, in case order", (t) => {
  const other = loadCase("cases/regressions/s.yaml", "regressions/s", caseText("aaaabbbbcccc")).case!;
  const runs = plan([regression, other], [host]);
  const kb = knownBugs(
    runs,
    [
      result("regressions/r.v4@host", "passed"),
      result("regressions/s.v4@host", "failed"),
      result("regressions/s.v6@host", "passed"),
    ],
    [host],
  );
  t.deepEqual(
    kb.kernels.host!.map((b) => [b.case, b.fix, b.status, b.evidence.length]),
    [
      ["regressions/r", "d6ace0dbcbb7", "present", 1],
      ["regressions/s", "aaaabbbbcccc", "absent", 1],
    ],
  );
  t.regex(kb.kernels.host![1]!.evidence[0]!, /^regressions\/s\.v4@host: /);
});
