/**
 * `reuselab list`: the cases of a selection, their tags with counts, and the claims of the seed guide
 * with the cases that name them. A listing is data first (for --json), then tables.
 */
import type { Catalogue } from "../case/load-cases";
import { plan, type Selection } from "../plan/plan";
import { plainTable, tableText, type Colors } from "../terminal";

export interface Listing {
  cases: { id: string; file: string; title: string; tags: string[]; variants: string[] }[];
  tags: { tag: string; cases: number }[];
  claims: { id: string; section: string; cases: string[] }[];
}

export const SECTIONS = ["cases", "tags", "claims"] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * The selection is applied as `run` applies it (run ids on this machine's kernel), except that slow
 * cases are listed too: a list is where one finds out they exist. With no --filter or --tag, every
 * claim is listed, also those no case names; with one, the claims the selected variants name.
 */
export function listCatalogue(catalogue: Catalogue, selection: Selection): Listing {
  const runs = plan(catalogue.cases, [{ id: "host", release: "" }], { ...selection, slow: true });
  const chosen = new Map<string, Set<string>>();
  for (const r of runs) chosen.set(r.case.id, (chosen.get(r.case.id) ?? new Set()).add(r.variant.name));
  const cases = catalogue.cases.filter((c) => chosen.has(c.id));
  const tagCounts = new Map<string, number>();
  for (const c of cases) for (const t of c.tags) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
  const naming = new Map<string, Set<string>>();
  for (const r of runs)
    for (const ref of r.variant.claims) naming.set(ref.id, (naming.get(ref.id) ?? new Set()).add(r.case.id));
  const narrowed = Boolean(selection.filter?.length || selection.tags?.length);
  return {
    cases: cases.map((c) => ({
      id: c.id,
      file: c.file,
      title: c.title,
      tags: c.tags,
      variants: c.variants.map((v) => v.name).filter((v) => chosen.get(c.id)!.has(v)),
    })),
    tags: [...tagCounts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([tag, n]) => ({ tag, cases: n })),
    claims: catalogue.claims
      .filter((c) => !narrowed || naming.has(c.id))
      .map((c) => ({ id: c.id, section: c.section, cases: [...(naming.get(c.id) ?? [])] })),
  };
}

/** The tables, titles wrapped to `width` when the terminal has one. */
export function formatListing(l: Listing, sections: readonly Section[], c: Colors, width?: number): string {
  const parts: string[] = [];
  if (sections.includes("cases")) {
    const idW = Math.max(4, ...l.cases.map((x) => x.id.length));
    const variantsW = Math.min(30, Math.max(8, ...l.cases.map((x) => x.variants.join(", ").length)));
    const tagsW = Math.min(28, Math.max(4, ...l.cases.map((x) => x.tags.join(", ").length)));
    const titleW = width ? Math.max(30, width - idW - variantsW - tagsW - 10) : null;
    const t = plainTable(["case", "variants", "tags", "title"], c, {
      colWidths: [idW, variantsW, tagsW, titleW],
      wordWrap: true,
    });
    for (const x of l.cases) t.push([x.id, x.variants.join(", "), c.dim(x.tags.join(", ")), x.title]);
    parts.push(
      `${l.cases.length} case${l.cases.length === 1 ? "" : "s"}, ${l.cases.reduce((n, x) => n + x.variants.length, 0)} variants\n${tableText(t)}\n`,
    );
  }
  if (sections.includes("tags")) {
    const t = plainTable(["tag", "cases"], c);
    for (const x of l.tags) t.push([x.tag, String(x.cases)]);
    parts.push(`${l.tags.length} tags\n${tableText(t)}\n`);
  }
  if (sections.includes("claims")) {
    const t = plainTable(["claim", "section", "named by"], c);
    for (const x of l.claims)
      t.push([
        x.id,
        c.dim(x.section),
        x.cases.length ? `${x.cases[0]}${x.cases.length > 1 ? ` (+${x.cases.length - 1})` : ""}` : c.yellow("no case"),
      ]);
    parts.push(`${l.claims.length} claims of the seed guide\n${tableText(t)}\n`);
  }
  return parts.join("\n");
}
