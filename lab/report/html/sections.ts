/**
 * The sections of the HTML page, each drawn from the finished session alone: the case × kernel matrix,
 * the claims audit, and one anchored section per run with its steps. Links go one way down the page
 * (a matrix cell or a claim's evidence to its run) and back up (a run to the claims it is evidence for).
 */
import type { KernelInfo } from "../../kernel-info";
import type { Claim } from "../../case/claims";
import type { PlannedRun } from "../../plan/plan";
import type { ClaimAudit, ClaimVerdict } from "../../findings/claims-audit";
import type { KnownBugs } from "../../findings/known-bugs";
import { asksFairness } from "../../verdict/expectation";
import { describeObservation } from "../../verdict/observation";
import { formatFailure, type RunResult, type StepResult } from "../../verdict/outcome";
import { buildMatrix, CELL } from "../matrix";
import { anchor, esc, OUTCOME_CLASS } from "./markup";

export interface PageData {
  backend?: string;
  kernels: KernelInfo[];
  results: RunResult[];
  /** The planned runs by id (their case's title and file), when the session-started event was seen. */
  planned: ReadonlyMap<string, PlannedRun>;
  claims: readonly Claim[];
  audit: readonly ClaimAudit[];
  /** Per kernel, each regression case's fix; absent from pages built before the engine judged them. */
  knownBugs?: KnownBugs;
  durationMs: number;
  interrupted: boolean;
  generatedAt: Date;
}

export interface Section {
  /** The section's element id, and its link in the page's header. */
  id: string;
  title: string;
  /** The section's body; undefined leaves the section (and its link) out of this page. */
  render(d: PageData): string | undefined;
}

const VERDICTS: ClaimVerdict[] = ["refuted", "partly", "confirmed", "untested"];
const runLink = (id: string, text: string = id) => `<a href="#${esc(anchor("run", id))}">${esc(text)}</a>`;

/** The runs that make the lab fail (failed, or a known failure that passed), first: what a reader came for. */
export const failuresSection: Section = {
  id: "failures",
  title: "Failures",
  render(d) {
    const bad = d.results.filter((r) => r.outcome === "failed" || r.outcome === "xpass");
    if (!bad.length) return undefined;
    const items = bad.map((r) => {
      const why =
        r.outcome === "failed"
          ? `${formatFailure(r.failures[0]!)}${r.failures.length > 1 ? ` (+${r.failures.length - 1} more)` : ""}`
          : `marked as a known failure (${r.reason}) but passed`;
      return `<li><span class="badge ${OUTCOME_CLASS[r.outcome]}">${esc(CELL[r.outcome])}</span> ${runLink(r.id)}<br><code>${esc(why)}</code></li>`;
    });
    return `<div class="callout bad"><ul>${items.join("")}</ul></div>`;
  },
};

export const matrixSection: Section = {
  id: "matrix",
  title: "Case × kernel matrix",
  render(d) {
    const rows = buildMatrix(d.results, d.kernels);
    const several = d.kernels.length > 1;
    const differing = rows.filter((r) => r.differs);
    const callout = !several
      ? `<p class="meta">One kernel in this run: no row can differ.</p>`
      : differing.length
        ? `<div class="callout" id="differs"><h3>The kernels differ on ${differing.length} of ${rows.length} case variants</h3><ul>${differing
            .map(
              (r) =>
                `<li><a href="#${esc(anchor("row", r.id))}">${esc(r.id)}</a><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></li>`,
            )
            .join("")}</ul></div>`
        : `<p class="meta">The kernels agree on all ${rows.length} case variants.</p>`;
    const head = `<tr><th>case.variant</th>${d.kernels.map((k) => `<th title="${esc(k.release)}">${esc(k.id)}<br><span class="meta">${esc(k.release)}</span></th>`).join("")}${several ? "<th>where the kernels differ</th>" : ""}</tr>`;
    const body = rows.map((r) => {
      const cells = d.kernels.map((k) => {
        const c = r.cells[k.id];
        return c
          ? `<td class="cell ${OUTCOME_CLASS[c.outcome]}">${runLink(c.id, CELL[c.outcome])}</td>`
          : `<td class="cell">–</td>`;
      });
      const notes = several ? `<td class="notes">${r.notes.map(esc).join("<br>")}</td>` : "";
      return `<tr id="${esc(anchor("row", r.id))}"${r.differs ? ' class="differs"' : ""}><th scope="row" class="mono">${esc(r.id)}</th>${cells.join("")}${notes}</tr>`;
    });
    return `${callout}<table id="matrix-table"><thead>${head}</thead><tbody>${body.join("")}</tbody></table>`;
  },
};

export const auditSection: Section = {
  id: "audit",
  title: "Claims audit",
  render(d) {
    if (!d.claims.length) return `<p class="meta">No claims: no claims.yaml beside this run's cases.</p>`;
    const ids = d.kernels.map((k) => k.id);
    const counts = ids.map(
      (k) =>
        `<span>on ${esc(k)}: ${VERDICTS.map((v) => `<span class="badge v-${v}">${d.audit.filter((a) => a.verdicts[k] === v).length} ${v}</span>`).join(" ")}</span>`,
    );
    const claim = new Map(d.claims.map((c) => [c.id, c]));
    const head = `<tr><th>claim</th><th>the seed guide says</th><th>section</th><th>line</th>${ids.map((k) => `<th>${esc(k)}</th>`).join("")}<th>evidence (passing runs)</th></tr>`;
    // The claims the run could judge first, then the untested ones; each part in the guide's order.
    const judged = (a: ClaimAudit) => ids.some((k) => a.verdicts[k] !== "untested");
    const body = [...d.audit.filter(judged), ...d.audit.filter((a) => !judged(a))].map((a) => {
      const c = claim.get(a.id);
      const verdicts = ids
        .map((k) => `<td class="cell v-${a.verdicts[k] ?? "untested"}">${esc(a.verdicts[k] ?? "untested")}</td>`)
        .join("");
      const evidence = a.evidence
        .map((id) => `${runLink(id)} <span class="meta">${esc(a.relations[id] ?? "")}</span>`)
        .join("<br>");
      return `<tr id="${esc(anchor("claim", a.id))}"${judged(a) ? "" : ' class="untested"'}><td class="mono">${esc(a.id)}</td><td><blockquote>${esc(c?.quote ?? "")}</blockquote></td><td>${esc(c?.section ?? "")}</td><td>${esc(c?.line ?? "")}</td>${verdicts}<td>${evidence}</td></tr>`;
    });
    return `<p class="summary">${d.audit.length} claims of the seed guide; a verdict rests only on the runs that passed. ${counts.join(" ")}</p><table id="audit-table"><thead>${head}</thead><tbody>${body.join("")}</tbody></table>`;
  },
};

export const runsSection: Section = {
  id: "runs",
  title: "Runs",
  render(d) {
    // A run's way back up: the claims it is evidence for.
    const evidenceFor = new Map<string, string[]>();
    for (const a of d.audit)
      for (const id of a.evidence)
        evidenceFor.set(id, [
          ...(evidenceFor.get(id) ?? []),
          `<a href="#${esc(anchor("claim", a.id))}">${esc(a.id)}</a> <span class="meta">${esc(a.relations[id] ?? "")}</span>`,
        ]);
    const release = new Map(d.kernels.map((k) => [k.id, k.release]));
    return d.results
      .map((r) => runSection(r, d.planned.get(r.id), release.get(r.kernel), evidenceFor.get(r.id) ?? []))
      .join("\n");
  },
};

function runSection(
  r: RunResult,
  planned: PlannedRun | undefined,
  release: string | undefined,
  claims: string[],
): string {
  const head = `<h3><span class="badge ${OUTCOME_CLASS[r.outcome]}">${esc(CELL[r.outcome])}</span> ${runLink(r.id)} <span class="meta">${r.durationMs} ms</span></h3>`;
  const about = [
    planned ? `${esc(planned.case.title)} (<code>${esc(planned.case.file)}</code>)` : "",
    `kernel ${esc(r.kernel)}${release ? ` (${esc(release)})` : ""}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const failures = (fs: { file: string; line: number; message: string }[]) =>
    `<ul class="failures">${fs.map((f) => `<li>${esc(formatFailure(f))}</li>`).join("")}</ul>`;
  let verdict = "";
  switch (r.outcome) {
    case "skipped":
      verdict = `<p class="reason">Skipped: ${esc(r.reason)}</p>`;
      break;
    case "failed":
      verdict = failures(r.failures);
      break;
    case "xfail":
      verdict = `<p class="reason">Known failure (xfail): ${esc(r.reason)}</p>${failures(r.failures)}`;
      break;
    case "xpass":
      verdict = `<p class="reason">Marked as a known failure (${esc(r.reason)}) but passed: update the case.</p>`;
      break;
    case "passed":
      break;
  }
  const evidence = claims.length ? `<p class="meta">Evidence for: ${claims.join(", ")}</p>` : "";
  const steps = r.steps.length
    ? `<table class="steps"><thead><tr><th>where</th><th>actor</th><th>call</th><th>expected</th><th>observed</th></tr></thead><tbody>${r.steps.map(stepRow).join("")}</tbody></table>`
    : "";
  return `<section class="run r-${r.outcome}" id="${esc(anchor("run", r.id))}">${head}<p class="meta">${about}</p>${verdict}${evidence}${steps}</section>`;
}

function stepRow(s: StepResult): string {
  const seen = describeObservation(s.observed, asksFairness(s.expectation));
  // The probe's own calls and answers, folded away unless the step failed (no script: <details> is HTML's own).
  const trace = s.observed.trace.length
    ? `<details${s.ok ? "" : " open"}><summary>${s.observed.trace.length} probe call${s.observed.trace.length === 1 ? "" : "s"}</summary><pre class="trace">${esc(s.observed.trace.join("\n"))}</pre></details>`
    : "";
  return `<tr class="step ${s.ok ? "ok" : "fail"}"><td class="where">${esc(`${s.file}:${s.line}`)}</td><td>${esc(s.actor)}</td><td class="call">${esc(s.call)}</td><td class="expected">${esc(s.expected)}</td><td class="observed">${esc(seen)}${trace}</td></tr>`;
}
