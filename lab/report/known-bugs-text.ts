/**
 * The console's "known bugs" section: a regression case × kernel table of fixes present or ABSENT (a
 * "!" where the version number predicts otherwise), then what each absent, unrun or disagreeing fix
 * rests on, then the stale allowlist entries. Used by the console and by the --repeat summary.
 */
import type { KernelInfo } from "../kernel-info";
import type { KnownBug, KnownBugs } from "../findings/known-bugs";
import { plainTable, tableText, type Colors } from "../terminal";

const CELL: Record<KnownBug["status"], string> = { present: "present", absent: "ABSENT", "not-run": "not run" };

/** "" when no regression case ran and no allowlist entry is stale. */
export function knownBugsText(kb: KnownBugs, kernels: readonly KernelInfo[], c: Colors): string {
  const ids = kernels.map((k) => k.id).filter((k) => kb.kernels[k]);
  const cases = [...new Set(ids.flatMap((k) => kb.kernels[k]!.map((b) => b.case)))];
  if (!cases.length && !kb.staleAllowlist.length) return "";
  const bugs = (k: string) => kb.kernels[k] ?? [];
  const count = (k: string, s: KnownBug["status"]) => bugs(k).filter((b) => b.status === s).length;
  const head = `known bugs, ${cases.length} fix${cases.length === 1 ? "" : "es"} judged by running each trigger (! = the version number predicts otherwise):\n${ids.map((k) => `  on ${k}: ${count(k, "present")} present, ${count(k, "absent")} absent, ${count(k, "not-run")} not run\n`).join("")}`;
  const table = plainTable(["case", "fix", ...ids], c);
  for (const id of cases) {
    const any = ids.map((k) => bugs(k).find((b) => b.case === id)).find((b) => b);
    const cells = ids.map((k) => {
      const b = bugs(k).find((x) => x.case === id);
      if (!b) return "";
      const text = `${CELL[b.status]}${b.disagrees ? "!" : ""}`;
      return b.status === "absent"
        ? b.allowed
          ? c.cyan(`${text} (allowed)`)
          : c.red(text)
        : b.status === "present"
          ? c.green(text)
          : c.yellow(text);
    });
    table.push([id, any ? any.fix.slice(0, 12) : "", ...cells]);
  }
  const details = ids.flatMap((k) =>
    bugs(k)
      .filter((b) => b.status !== "present" || b.disagrees)
      .map((b) => detail(k, b, c)),
  );
  const stale = kb.staleAllowlist.map(
    (s) =>
      `  ${c.yellow("stale allowlist entry")} ${s.file}:${s.line}: ${s.case} on ${s.kernel} has the fix (${s.evidence.join(", ")}): remove the entry\n`,
  );
  return `${head}${cases.length ? `${tableText(table)}\n` : ""}${details.join("")}${stale.join("")}`;
}

function detail(kernel: string, b: KnownBug, c: Colors): string {
  const what = `${b.fix.slice(0, 12)} "${b.subject}"${b.cve ? ` (${b.cve})` : ""}`;
  const verb =
    b.status === "absent" ? c.red("lacks") : b.status === "present" ? c.green("has") : c.yellow("was not judged on");
  const lines = [`  ${kernel} ${verb} ${what}: ${b.case}${b.allowed ? c.cyan(` (allowed: ${b.allowed})`) : ""}`];
  lines.push(...b.evidence.map((e) => `      ${e}`));
  if (b.disagrees) lines.push(`      ${c.yellow(`the version number predicts ${b.predicted}: ${b.because}`)}`);
  return `${lines.join("\n")}\n`;
}
