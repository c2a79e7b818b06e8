/**
 * reuselab audit --html FILE: the service audit as one self-contained page, in the lab report's style:
 * per service, its image, port, the modelled host (each sysctl's value and where it came from), notes
 * and sockets as the kernel listed them, then a row per profile and address family with its verdict
 * (vulnerable in red, resisted in green, inconclusive in amber), what it rests on, whether it failed
 * the must-resist gate, the evidence and the fix.
 */
import type { AuditResult, ProfileVerdict } from "../../audit/audit";
import { describeModel } from "../../audit/host-model";
import { CSS, esc } from "./markup";

const VERDICT_CLASS = {
  vulnerable: "v-refuted",
  resisted: "v-confirmed",
  inconclusive: "v-partly",
  "not applicable": "v-untested",
} as const;

/** This row's gate: a must-resist profile fails it in every family where it was not resisted. */
function gateCell(r: AuditResult, p: ProfileVerdict): string {
  if (!r.mustResist.includes(p.profile)) return "";
  return p.verdict === "resisted" ? "must resist: resisted" : "<strong>must resist: FAILED</strong>";
}

function serviceSection(r: AuditResult): string {
  const rows = r.profiles
    .map((p) => {
      const cells = [
        `<code>${esc(p.profile)}</code>`,
        esc(p.family ?? "—"),
        esc(p.verdict),
        esc(p.basis ?? ""),
        gateCell(r, p),
        esc(p.evidence),
        esc(p.fix ?? ""),
      ];
      return `<tr class="profile">${cells.map((c, i) => (i === 2 ? `<td class="${VERDICT_CLASS[p.verdict]}">${c}</td>` : `<td>${c}</td>`)).join("")}</tr>`;
    })
    .join("\n");
  const sockets = r.sockets.length ? `<pre>${esc(r.sockets.join("\n"))}</pre>` : "<p>(no socket listed)</p>";
  const notes = r.notes.length ? `<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  return `<section class="service" id="service-${esc(r.audit.replace(/[^A-Za-z0-9_.-]/g, "-"))}">
<h2>${esc(r.audit)}</h2>
<p class="meta">${esc(r.file)} · image ${esc(r.image)} · port ${esc(r.port)}</p>
<p class="meta">modelled host: ${esc(describeModel(r.host))}</p>
${notes}
<h3>Its sockets, as the kernel lists them</h3>
${sockets}
<table>
<thead><tr><th>profile</th><th>family</th><th>verdict</th><th>rests on</th><th>gate</th><th>evidence</th><th>fix</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

export function auditPage(results: readonly AuditResult[], generatedAt = new Date()): string {
  const failed = results.flatMap((r) => r.gateFailures.map((p) => `${r.audit}: ${p}`));
  const gate = failed.length
    ? `<p class="summary"><span class="badge o-failed">must-resist failed: ${esc(failed.join(", "))}</span></p>`
    : `<p class="summary"><span class="badge o-passed">every must-resist profile resisted</span></p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reuselab audit: ${esc(results.map((r) => r.audit).join(", "))}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>reuselab service audit</h1>
${gate}
<p class="meta">${esc(generatedAt.toISOString())}</p>
</header>
${results.map(serviceSection).join("\n")}
</body>
</html>
`;
}
