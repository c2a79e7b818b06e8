/**
 * --html FILE: one self-contained page of the session (inline CSS; no script, no fonts, no images to
 * fetch): the case × kernel matrix with the rows where kernels differ called out, the known bugs, the claims audit, and
 * each run's steps, expected against observed. Written on close(), like the JSON results.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LabEvent, Reporter } from "../events/events";
import type { PlannedRun } from "../plan/plan";
import type { Outcome } from "../verdict/outcome";
import { CSS, esc, OUTCOME_CLASS } from "./html/markup";
import {
  auditSection,
  failuresSection,
  matrixSection,
  runsSection,
  type PageData,
  type Section,
} from "./html/sections";
import { knownBugsSection } from "./html/known-bugs-section";
import { provenanceText } from "./kernel-provenance";
import { CELL } from "./matrix";

/**
 * The page's sections, in order; the header links to each one that renders (Failures only when some
 * run failed). Issue 7 (scaling charts)
 * adds its "bench" Section here: one whose render() draws from bench results carried in PageData and
 * returns undefined when a session has none (the engine emits no bench results yet).
 */
const SECTIONS: readonly Section[] = [failuresSection, matrixSection, knownBugsSection, auditSection, runsSection];

export class HtmlReporter implements Reporter {
  private backend?: string;
  private planned = new Map<string, PlannedRun>();
  private page?: PageData;

  constructor(private readonly file: string) {}

  onEvent(e: LabEvent): void {
    if (e.type === "session-started") {
      this.backend = e.backend;
      this.planned = new Map(e.runs.map((r) => [r.id, r]));
    }
    if (e.type !== "session-finished") return;
    this.page = {
      ...(this.backend ? { backend: this.backend } : {}),
      kernels: e.kernels,
      results: e.results,
      planned: this.planned,
      claims: e.claims,
      audit: e.audit,
      knownBugs: e.knownBugs,
      durationMs: e.durationMs,
      interrupted: e.interrupted,
      generatedAt: new Date(),
    };
  }

  async close(): Promise<void> {
    if (!this.page) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, renderPage(this.page));
  }
}

export function renderPage(d: PageData): string {
  const sections = SECTIONS.map((s) => ({ s, body: s.render(d) })).filter(
    (x): x is { s: Section; body: string } => x.body !== undefined,
  );
  const count = (o: Outcome) => d.results.filter((r) => r.outcome === o).length;
  const outcomes = (Object.keys(CELL) as Outcome[]).filter((o) => o === "passed" || o === "failed" || count(o) > 0);
  const summary = outcomes.map((o) => `<span class="badge ${OUTCOME_CLASS[o]}">${count(o)} ${o}</span>`).join(" ");
  const kernels = d.kernels.map((k) => `${esc(k.id)} (${esc(k.release)})`).join(", ");
  const title = `reuselab: ${d.results.length} runs on ${d.kernels.map((k) => k.id).join(", ")}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>reuselab</h1>
<p class="summary">${d.results.length} runs${d.backend ? ` on the ${esc(d.backend)} backend` : ""}, kernel${d.kernels.length === 1 ? "" : "s"} ${kernels} · ${summary} · ${(d.durationMs / 1000).toFixed(1)} s${d.interrupted ? " · <strong>interrupted</strong>" : ""} · <span class="meta">${esc(d.generatedAt.toISOString())}</span></p>
${provenance(d)}<nav>${sections.map(({ s }) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join("")}</nav>
</header>
${sections.map(({ s, body }) => `<section id="${esc(s.id)}">\n<h2>${esc(s.title)}</h2>\n${body}\n</section>`).join("\n")}
</body>
</html>
`;
}

/** Where each guest kernel came from, one line each (none for the host's kernel). */
function provenance(d: PageData): string {
  const lines = d.kernels.map(provenanceText).filter((t): t is string => t !== undefined);
  return lines.length ? `<ul class="meta">${lines.map((t) => `<li>${esc(t)}</li>`).join("")}</ul>\n` : "";
}
