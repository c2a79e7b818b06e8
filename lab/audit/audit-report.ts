/**
 * The audit on a console: per service, the host it modelled (sysctls and where each value came from),
 * its sockets as the kernel lists them, then a verdict per profile with what it rests on and its
 * evidence, and the fix where it was vulnerable. A must-resist profile that was vulnerable or
 * inconclusive is marked, since it is what fails the CI gate; an inconclusive one is never shown as
 * resisted.
 */
import type { AuditResult, ProfileVerdict } from "./audit";
import { describeModel } from "./host-model";
import { colorsFor, plainTable, tableText, type Colors } from "../terminal";

export function formatAudits(results: readonly AuditResult[], color = false): string {
  const c = colorsFor(color);
  return results.map((r) => formatOne(r, c)).join("\n");
}

const BASIS = { kernel: "the kernel's answer", traffic: "counted traffic", setup: "not established" } as const;

function verdictCell(p: ProfileVerdict, failed: boolean, c: Colors): string {
  const gate = failed ? " (must resist)" : "";
  const text = `${p.verdict}${gate}${p.basis && p.verdict !== "not applicable" ? `\nby ${BASIS[p.basis]}` : ""}`;
  if (p.verdict === "vulnerable") return c.red(text);
  if (p.verdict === "inconclusive") return failed ? c.red(text) : c.yellow(text);
  return p.verdict === "resisted" ? c.green(text) : c.dim(text);
}

function formatOne(r: AuditResult, c: Colors): string {
  const out = [
    c.bold(`${r.audit} (${r.file}): ${r.port}, image ${r.image}`),
    `  modelled host: ${describeModel(r.host) || "(no sysctl could be read)"}`,
  ];
  for (const n of r.notes) out.push(c.yellow(`  note: ${n}`));
  out.push("  its sockets (ss in its network namespace):", ...r.sockets.map((s) => `    ${s}`));
  const table = plainTable(["profile", "verdict", "evidence"], c, { colWidths: [null, null, 90], wordWrap: true });
  for (const p of r.profiles)
    table.push([
      p.family ? `${p.profile} ${p.family}` : p.profile,
      verdictCell(p, r.gateFailures.includes(p.profile), c),
      p.fix ? `${p.evidence}. Fix: ${p.fix}` : p.evidence,
    ]);
  out.push(tableText(table));
  if (!r.gateFailures.length) {
    out.push(`  ${r.audit}: every must-resist profile was resisted`);
  } else {
    const of = (kind: string) =>
      r.gateFailures.filter((name) => r.profiles.some((p) => p.profile === name && p.verdict === kind));
    const parts = [
      of("vulnerable").length ? `${of("vulnerable").join(", ")} vulnerable` : "",
      of("inconclusive").length
        ? `${of("inconclusive").join(", ")} inconclusive (the attack could not be established, so nothing was proven resisted)`
        : "",
      of("not applicable").length ? `${of("not applicable").join(", ")} not applicable (no attack was made)` : "",
    ].filter(Boolean);
    out.push(c.red(`  ${r.audit}: FAILED: must-resist ${parts.join("; ")}`));
  }
  return `${out.join("\n")}\n`;
}
