/**
 * The HTML page's "Known bugs" section: a regression case × kernel table of fixes present, ABSENT
 * (allowed or not) or not run, a "!" where the version number predicts otherwise (its reason on hover
 * and below), then each absent, unrun or disagreeing fix with its evidence linked to its runs, and the
 * stale allowlist entries. Left out of a page whose session ran no regression case.
 */
import type { KnownBug } from "../../findings/known-bugs";
import { anchor, esc } from "./markup";
import type { Section } from "./sections";

const CLASS: Record<KnownBug["status"], string> = { present: "o-passed", absent: "o-failed", "not-run": "o-skipped" };
const WORD: Record<KnownBug["status"], string> = { present: "present", absent: "ABSENT", "not-run": "not run" };

export const knownBugsSection: Section = {
  id: "known-bugs",
  title: "Known bugs",
  render(d) {
    const kb = d.knownBugs;
    if (!kb) return undefined;
    const ids = d.kernels.map((k) => k.id).filter((k) => kb.kernels[k]);
    const bugs = (k: string) => kb.kernels[k] ?? [];
    const cases = [...new Set(ids.flatMap((k) => bugs(k).map((b) => b.case)))];
    if (!cases.length && !kb.staleAllowlist.length) return undefined;
    const runIds = new Set(d.results.map((r) => r.id));
    // Evidence is "run id: what it showed" (or a run id alone): the run id becomes a link to its run.
    const evidence = (e: string) => {
      const id = runIds.has(e) ? e : e.slice(0, Math.max(0, e.indexOf(": ")));
      return runIds.has(id) ? `<a href="#${esc(anchor("run", id))}">${esc(id)}</a>${esc(e.slice(id.length))}` : esc(e);
    };
    const head = `<tr><th>case</th><th>fix</th>${ids.map((k) => `<th>${esc(k)}</th>`).join("")}</tr>`;
    const body = cases.map((id) => {
      const first = ids.map((k) => bugs(k).find((b) => b.case === id)).find((b) => b)!;
      const fix = `<code>${esc(first.fix)}</code> ${esc(first.subject)}${first.cve ? ` <span class="meta">${esc(first.cve)}</span>` : ""}`;
      const cells = ids.map((k) => {
        const b = bugs(k).find((x) => x.case === id);
        if (!b) return `<td class="cell">–</td>`;
        const cls = b.status === "absent" && b.allowed ? "o-xfail" : CLASS[b.status];
        const text = `${WORD[b.status]}${b.disagrees ? "!" : ""}${b.allowed ? " (allowed)" : ""}`;
        return `<td class="cell ${cls}" title="${esc(`the version predicts ${b.predicted}: ${b.because}`)}">${esc(text)}</td>`;
      });
      return `<tr><td class="mono">${esc(id)}</td><td>${fix}</td>${cells.join("")}</tr>`;
    });
    const details = ids.flatMap((k) =>
      bugs(k)
        .filter((b) => b.status !== "present" || b.disagrees)
        .map((b) => {
          const verb = b.status === "absent" ? "lacks" : b.status === "present" ? "has" : "was not judged on";
          const allowed = b.allowed ? ` <span class="badge o-xfail">allowed</span> ${esc(b.allowed)}` : "";
          const predicted = b.disagrees
            ? `<li><strong>the version number predicts ${esc(b.predicted)}</strong>: ${esc(b.because)}</li>`
            : "";
          return `<li><strong>${esc(k)}</strong> ${verb} <code>${esc(b.fix)}</code> (${esc(b.case)})${allowed}<ul>${b.evidence.map((e) => `<li><code>${evidence(e)}</code></li>`).join("")}${predicted}</ul></li>`;
        }),
    );
    const stale = kb.staleAllowlist.map(
      (s) =>
        `<li><code>${esc(`${s.file}:${s.line}`)}</code>: ${esc(s.case)} on ${esc(s.kernel)} has the fix (${s.evidence.map(evidence).join(", ")}): remove the entry <span class="meta">(${esc(s.reason)})</span></li>`,
    );
    const counts = ids.map(
      (k) =>
        `<span>on ${esc(k)}: ${(["present", "absent", "not-run"] as const).map((s) => `<span class="badge ${CLASS[s]}">${bugs(k).filter((b) => b.status === s).length} ${WORD[s]}</span>`).join(" ")}</span>`,
    );
    return [
      `<p class="summary">${cases.length} fix${cases.length === 1 ? "" : "es"}, judged by running each trigger; a "!" marks where the version number predicts otherwise. ${counts.join(" ")}</p>`,
      cases.length ? `<table id="known-bugs-table"><thead>${head}</thead><tbody>${body.join("")}</tbody></table>` : "",
      details.length ? `<ul id="known-bugs-details">${details.join("")}</ul>` : "",
      stale.length
        ? `<div class="callout" id="stale-allowlist"><h3>Stale allowlist entries: the kernel has the fix</h3><ul>${stale.join("")}</ul></div>`
        : "",
    ].join("");
  },
};
