/**
 * The audit on a console: per service, its sockets as the kernel lists them, then a verdict per
 * profile with its evidence, and the fix where it was vulnerable; a must-resist profile that was
 * vulnerable is marked, since it is what fails the CI gate.
 */
import type { AuditResult } from "./audit";
import { colorsFor, plainTable, tableText, type Colors } from "../report/terminal";

export function formatAudits(results: readonly AuditResult[], color = false): string {
  const c = colorsFor(color);
  return results.map((r) => formatOne(r, c)).join("\n");
}

function formatOne(r: AuditResult, c: Colors): string {
  const out = [c.bold(`${r.audit} (${r.file}): ${r.port}, image ${r.image}`), "  its sockets (ss in its network namespace):", ...r.sockets.map((s) => `    ${s}`)];
  const table = plainTable(["profile", "verdict", "evidence"], c, { colWidths: [null, null, 90], wordWrap: true });
  for (const p of r.profiles) {
    const gate = r.gateFailures.includes(p.profile) ? " (must resist)" : "";
    const verdict = p.verdict === "vulnerable" ? c.red(`${p.verdict}${gate}`) : p.verdict === "resisted" ? c.green(p.verdict) : c.dim(p.verdict);
    table.push([p.profile, verdict, p.fix ? `${p.evidence}. Fix: ${p.fix}` : p.evidence]);
  }
  out.push(tableText(table));
  out.push(
    r.gateFailures.length
      ? c.red(`  ${r.audit}: FAILED: ${r.gateFailures.join(", ")} must be resisted and ${r.gateFailures.length === 1 ? "was" : "were"} not`)
      : `  ${r.audit}: every must-resist profile was resisted`,
  );
  return `${out.join("\n")}\n`;
}
