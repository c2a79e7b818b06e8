/**
 * The known bugs in JUnit XML: properties of each kernel's <testsuite> (Jenkins' junit-4.xsd allows
 * properties there, not on a testcase). One property counts the fixes, one per regression case says
 * present / absent / not-run with its evidence and what the version predicts, one per stale allowlist
 * entry says where it is.
 *
 *   known-bugs                      "1 present, 1 absent, 0 not run"
 *   known-bug:<case>                "absent: fix 0123456789ab "subject" (CVE-…); predicted present (disagrees: …); evidence: …"
 *   known-bugs.stale-allowlist:<case>  "allowlist.yaml:5: the kernel has the fix; remove the entry (reason: …)"
 */
import type { KnownBug, KnownBugs } from "../findings/known-bugs";

export function knownBugProperties(kb: KnownBugs | undefined, kernel: string): [string, string][] {
  const bugs = kb?.kernels[kernel] ?? [];
  const stale = kb?.staleAllowlist.filter((s) => s.kernel === kernel) ?? [];
  if (!bugs.length && !stale.length) return [];
  const count = (s: KnownBug["status"]) => bugs.filter((b) => b.status === s).length;
  return [
    ["known-bugs", `${count("present")} present, ${count("absent")} absent, ${count("not-run")} not run`],
    ...bugs.map((b): [string, string] => [`known-bug:${b.case}`, bugText(b)]),
    ...stale.map((s): [string, string] => [
      `known-bugs.stale-allowlist:${s.case}`,
      `${s.file}:${s.line}: the kernel has the fix (${s.evidence.join(", ")}); remove the entry (reason: ${s.reason})`,
    ]),
  ];
}

function bugText(b: KnownBug): string {
  const parts = [`${b.status}: fix ${b.fix} "${b.subject}"${b.cve ? ` (${b.cve})` : ""}`];
  if (b.allowed) parts.push(`allowed: ${b.allowed}`);
  parts.push(`predicted ${b.predicted}${b.disagrees ? " (the run disagrees)" : ""}: ${b.because}`);
  parts.push(`evidence: ${b.evidence.join(" | ")}`);
  return parts.join("; ");
}
