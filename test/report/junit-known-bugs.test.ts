// The JUnit properties of a kernel's known bugs (lab/report/junit-known-bugs.ts), on findings built here:
// the count per status, one property per fix with its CVE, allowlist reason, prediction and evidence, and
// one per stale allowlist entry; nothing at all for a kernel with neither, or a session with no findings.
import test from "ava";
import type { KnownBug, KnownBugs } from "../../lab/findings/known-bugs";
import { knownBugProperties } from "../../lab/report/junit-known-bugs";

const bug = (over: Partial<KnownBug>): KnownBug => ({
  case: "c",
  fix: "0123456789ab",
  subject: "net: a fix",
  status: "present",
  evidence: ["c.default@host"],
  predicted: "present",
  because: "6.18.44 >= 6.1",
  disagrees: false,
  ...over,
});
const findings: KnownBugs = {
  kernels: {
    host: [
      bug({ case: "a", cve: "CVE-2024-1", status: "absent", evidence: ["a.x@host: one", "a.y@host: two"] }),
      bug({ case: "b", status: "not-run", allowed: "host lacks it", disagrees: true, predicted: "absent" }),
      bug({ case: "n", status: "not-run" }),
    ],
    "5.10": [],
  },
  staleAllowlist: [
    { case: "s", kernel: "host", reason: "old", file: "allow.yaml", line: 3, evidence: ["s.v@host", "s.w@host"] },
    { case: "t", kernel: "6.1", reason: "old", file: "allow.yaml", line: 4, evidence: ["t.v@6.1"] },
  ],
};

test("a kernel's count, each fix with its CVE, allowlist reason, prediction and evidence, each stale entry", (t) => {
  t.deepEqual(knownBugProperties(findings, "host"), [
    ["known-bugs", "0 present, 1 absent, 2 not run"],
    [
      "known-bug:a",
      'absent: fix 0123456789ab "net: a fix" (CVE-2024-1); predicted present: 6.18.44 >= 6.1; evidence: a.x@host: one | a.y@host: two',
    ],
    [
      "known-bug:b",
      'not-run: fix 0123456789ab "net: a fix"; allowed: host lacks it; predicted absent (the run disagrees): 6.18.44 >= 6.1; evidence: c.default@host',
    ],
    [
      "known-bug:n",
      'not-run: fix 0123456789ab "net: a fix"; predicted present: 6.18.44 >= 6.1; evidence: c.default@host',
    ],
    [
      "known-bugs.stale-allowlist:s",
      "allow.yaml:3: the kernel has the fix (s.v@host, s.w@host); remove the entry (reason: old)",
    ],
  ]);
});

test("a stale entry alone is enough; a kernel with neither, or no findings, has no property", (t) => {
  t.deepEqual(knownBugProperties(findings, "6.1"), [
    ["known-bugs", "0 present, 0 absent, 0 not run"],
    ["known-bugs.stale-allowlist:t", "allow.yaml:4: the kernel has the fix (t.v@6.1); remove the entry (reason: old)"],
  ]);
  t.deepEqual(knownBugProperties(findings, "5.10"), []);
  t.deepEqual(knownBugProperties(undefined, "host"), []);
});
