/**
 * audit --repeat N: the same audits run N times. A security gate that answers differently on a rerun
 * cannot be trusted, so every (audit, profile) whose verdict changed between repetitions is reported
 * with its verdict in each, and the figures per profile are printed ("vulnerable 10/10").
 */
import type { AuditResult, VerdictKind } from "./audit";
import { colorsFor, plainTable, tableText } from "../terminal";

export interface ProfileStability {
  audit: string;
  profile: string;
  /** The verdict in each repetition, in order (undefined where the repetition did not run it). */
  verdicts: (VerdictKind | undefined)[];
  changed: boolean;
}

export function stability(repetitions: readonly (readonly AuditResult[])[]): ProfileStability[] {
  const keys: string[] = [];
  const name = (p: { profile: string; family?: string }) => (p.family ? `${p.profile} ${p.family}` : p.profile);
  for (const rep of repetitions)
    for (const r of rep)
      for (const p of r.profiles) if (!keys.includes(`${r.audit}\0${name(p)}`)) keys.push(`${r.audit}\0${name(p)}`);
  return keys.map((key) => {
    const [audit, profile] = key.split("\0") as [string, string];
    const verdicts = repetitions.map(
      (rep) => rep.find((r) => r.audit === audit)?.profiles.find((p) => name(p) === profile)?.verdict,
    );
    return { audit, profile, verdicts, changed: new Set(verdicts).size > 1 };
  });
}

export function formatStability(rows: readonly ProfileStability[], color = false): string {
  const c = colorsFor(color);
  const n = rows[0]?.verdicts.length ?? 0;
  const table = plainTable(["audit", "profile", `verdicts over ${n} repetitions`], c);
  for (const r of rows) {
    const counts = new Map<string, number>();
    for (const v of r.verdicts) counts.set(v ?? "not run", (counts.get(v ?? "not run") ?? 0) + 1);
    const figures = [...counts].map(([v, k]) => `${v} ${k}/${n}`).join(", ");
    table.push([
      r.audit,
      r.profile,
      r.changed ? c.yellow(`CHANGED: ${figures} (${r.verdicts.map((v) => v ?? "-").join(" ")})`) : figures,
    ]);
  }
  const changed = rows.filter((r) => r.changed).length;
  const summary = changed
    ? c.red(`${changed} of ${rows.length} verdicts changed over ${n} repetitions`)
    : `every verdict (${rows.length}) was the same in all ${n} repetitions`;
  return `${tableText(table)}\n${summary}\n`;
}
