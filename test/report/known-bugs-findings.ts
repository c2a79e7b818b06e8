// Known-bug findings built by hand for the console's and the page's known-bugs sections: on 5.10 fix A
// absent where the version number predicts it present, fix B absent and allowlisted; on 6.1 A present,
// B not run, C present where the version predicts it absent; a stale allowlist entry for A on 6.1; and
// a kernel that ran no regression case.
import type { KnownBug, KnownBugs } from "../../lab/findings/known-bugs";
import type { KernelInfo } from "../../lab/kernel-info";

const bug = (over: Partial<KnownBug> & Pick<KnownBug, "case" | "fix" | "subject" | "status">): KnownBug => ({
  evidence: [],
  predicted: over.status === "present" ? "present" : "absent",
  because: "",
  disagrees: false,
  ...over,
});

const A = { case: "regressions/a", fix: "aaaaaaaaaaaa1234", subject: "A fix", cve: "CVE-2026-1" };
const B = { case: "regressions/b", fix: "bbbbbbbbbbbb5678", subject: "B fix" };
const C = { case: "regressions/c", fix: "cccccccccccc9abc", subject: "C fix" };

// "nope" ran no regression case: no column, no count line.
export const kernels: KernelInfo[] = [
  { id: "5.10", release: "5.10.262" },
  { id: "6.1", release: "6.1.192" },
  { id: "nope", release: "7.0" },
];
export const findings: KnownBugs = {
  kernels: {
    "5.10": [
      bug({
        ...A,
        status: "absent",
        evidence: ["a@5.10: a.yaml:9: x: bind: expected EADDRINUSE but got ok"],
        predicted: "present",
        because: "5.10.262 is at or past 5.10.100",
        disagrees: true,
      }),
      bug({
        ...B,
        status: "absent",
        evidence: ["b@5.10: b.yaml:4: y: recv: expected 0 but got 3"],
        allowed: "tracked",
      }),
    ],
    "6.1": [
      bug({ ...A, status: "present", evidence: ["a@6.1"] }),
      bug({ ...B, status: "not-run", evidence: ["b@6.1: skipped: needs 2 CPUs"] }),
      bug({
        ...C,
        status: "present",
        evidence: ["c@6.1"],
        predicted: "absent",
        because: "6.1.192 is before 6.1.200",
        disagrees: true,
      }),
    ],
  },
  staleAllowlist: [
    {
      case: "regressions/a",
      kernel: "6.1",
      reason: "old",
      file: "cases/regressions/allowlist.yaml",
      line: 7,
      evidence: ["a@6.1", "a@6.1#2"],
    },
  ],
};
