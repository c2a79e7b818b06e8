/**
 * `reuselab explain CASE[.VARIANT]`: a case in words: its title, the kernel rule it checks and where
 * that rule lives, its actors, each step as a sentence, the claims it speaks to, and what the kernel
 * last answered to each step on each kernel it ran on here (.cache/last-results.json).
 */
import type { Case, CaseVariant, ClaimRef } from "../case/case";
import type { Claim } from "../case/claims";
import { describeSelector } from "../case/kernel-selector";
import { describeObservation } from "../verdict/observation";
import type { LastResult } from "./last-results";
import { problemLines, LABEL, OUTCOME_COLOR } from "./console-reporter";
import { stepSentence } from "./step-sentence";
import type { Colors } from "../terminal";

export interface Observed {
  /** Where the last results are kept, as shown. */
  path: string;
  runs: readonly LastResult[];
}

export function explainCase(
  c: Case,
  claims: readonly Claim[],
  last: Observed,
  colors: Colors,
  only?: string,
  width = 100,
): string {
  const variants = only ? c.variants.filter((v) => v.name === only) : c.variants;
  const first = variants[0]!;
  const out = [
    `${colors.bold(c.id)}  ${colors.dim(c.file)}`,
    c.title,
    "",
    ...field("rule", c.rule, width),
    ...field("source", c.source, width),
    ...field("tags", c.tags.join(", ") || "none", width),
    ...(c.xfail ? field("xfail", c.xfail, width) : []),
    ...field("variants", c.variants.map((v) => v.name).join(", "), width),
    ...field("actors", actors(first), width),
    "",
    ...steps(variants, colors),
    ...claimLines(c, variants, claims, colors, width),
    "",
    ...lastObserved(c, last, only, colors),
  ];
  return `${out.join("\n")}\n`;
}

function field(name: string, text: string, width: number): string[] {
  const lines = wrap(text, width - 10);
  return lines.map((l, i) => `${i === 0 ? `${name}:`.padEnd(10) : " ".repeat(10)}${l}`);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

function actors(v: CaseVariant): string {
  return v.actors
    .map((a) => {
      const where = a.netns === a.name ? "its own network namespace" : `${a.netns}'s network namespace`;
      const sysctls = Object.entries(v.namespaces.find((n) => n.name === a.name)?.sysctls ?? {}).map(
        ([k, x]) => `${k}=${x}`,
      );
      const extras = [
        a.caps.length ? `keeps ${a.caps.join(", ").toLowerCase()}` : "",
        sysctls.length ? `sets ${sysctls.join(", ")}` : "",
      ].filter(Boolean);
      return `${a.name} (uid ${a.uid}, ${where}${extras.length ? `; ${extras.join("; ")}` : ""})`;
    })
    .join(", ");
}

/** The first variant's steps in full; for each other variant, the steps that read differently. */
function steps(variants: readonly CaseVariant[], colors: Colors): string[] {
  const first = variants[0]!;
  const sentence = (v: CaseVariant) => v.steps.map((s) => ({ line: s.source.line, text: stepSentence(s) }));
  const mine = sentence(first);
  const out = [
    `steps of ${colors.bold(first.name)}:`,
    ...mine.map((s) => `  ${colors.dim(String(s.line).padStart(3))}  ${s.text}`),
  ];
  for (const v of variants.slice(1)) {
    const differs = sentence(v).filter((s) => !mine.some((m) => m.line === s.line && m.text === s.text));
    const gone = mine.filter((m) => !v.steps.some((s) => s.source.line === m.line));
    out.push(`${colors.bold(v.name)} differs:`);
    out.push(...differs.map((s) => `  ${colors.dim(String(s.line).padStart(3))}  ${s.text}`));
    out.push(...gone.map((s) => `  ${colors.dim(String(s.line).padStart(3))}  ${colors.dim("(left out)")}`));
    if (!differs.length && !gone.length) out.push("  (the same steps; only its claims or requirements differ)");
  }
  return out;
}

function claimLines(
  c: Case,
  variants: readonly CaseVariant[],
  claims: readonly Claim[],
  colors: Colors,
  width: number,
): string[] {
  const refs = new Map<string, { ref: ClaimRef; variants: string[] }>();
  for (const v of variants) {
    for (const ref of v.claims) {
      const key = `${ref.id} ${ref.relation} ${ref.kernel ? describeSelector(ref.kernel) : ""}`;
      const entry = refs.get(key) ?? { ref, variants: [] };
      entry.variants.push(v.name);
      refs.set(key, entry);
    }
  }
  if (!refs.size) return ["", "claims:   none of the seed guide's claims"];
  const out = ["", "claims:"];
  for (const { ref, variants: named } of refs.values()) {
    const where = [
      named.length === c.variants.length ? "" : named.join(", "),
      ref.kernel ? `on ${describeSelector(ref.kernel)}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    out.push(`  ${ref.relation.padEnd(8)} ${ref.id}${where ? colors.dim(` (${where})`) : ""}`);
    const claim = claims.find((x) => x.id === ref.id);
    if (claim)
      out.push(
        ...wrap(`"${claim.quote}" (${claim.section}, line ${claim.line})`, width - 13).map(
          (l) => `           ${colors.dim(l)}`,
        ),
      );
  }
  return out;
}

function lastObserved(c: Case, last: Observed, only: string | undefined, colors: Colors): string[] {
  const mine = last.runs
    .filter((l) => l.result.case === c.id && (!only || l.result.variant === only))
    .sort((a, b) => a.result.id.localeCompare(b.result.id));
  if (!mine.length)
    return [`last observed: never run on this machine; try 'reuselab run --filter ${c.id}${only ? `.${only}` : ""}'`];
  const out = [`last observed (${last.path}):`];
  for (const { at, release, result: r } of mine) {
    out.push(
      `  ${colors[OUTCOME_COLOR[r.outcome]](LABEL[r.outcome])} ${r.variant}@${r.kernel}  ${colors.dim(`${at.replace("T", " ").slice(0, 16)} UTC, ${release || "release unknown"}`)}`,
    );
    for (const s of r.steps) {
      const seen = describeObservation(s.observed);
      const verdict = s.ok ? "" : colors.red(` (expected ${s.expected})`);
      out.push(`    ${colors.dim(String(s.line).padStart(3))}  ${s.actor} ${s.call.split(" ")[0]}: ${seen}${verdict}`);
    }
    if (r.outcome !== "passed") out.push(...problemLines(r).map((l) => `         ${l}`));
  }
  return out;
}
