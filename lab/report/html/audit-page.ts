/**
 * reuselab audit --html FILE: the service audit as one self-contained page, in the lab report's style:
 * per service, its image, port and sockets as the kernel listed them, then a row per profile with its
 * verdict (vulnerable in red, resisted in green), whether it must be resisted, the evidence and the fix.
 */
import type { AuditResult } from "../../audit/audit";
import { CSS, esc } from "./markup";

const VERDICT_CLASS = { vulnerable: "v-refuted", resisted: "v-confirmed", inconclusive: "v-partly", "not applicable": "v-untested" } as const;

function serviceSection(r: AuditResult): string {
  const rows = r.profiles
    .map((p) => {
      const must = r.gateFailures.includes(p.profile) ? "<strong>must resist: FAILED</strong>" : "";
      return `<tr class="profile"><td><code>${esc(p.profile)}</code></td><td class="${VERDICT_CLASS[p.verdict]}">${esc(p.verdict)}</td><td>${must}</td><td>${esc(p.evidence)}</td><td>${esc(p.fix ?? "")}</td></tr>`;
    })
    .join("\n");
  const sockets = r.sockets.length ? `<pre>${esc(r.sockets.join("\n"))}</pre>` : "<p>(no socket listed)</p>";
  return `<section class="service" id="service-${esc(r.audit)}">
<h2>${esc(r.audit)}</h2>
<p class="meta">${esc(r.file)} · image ${esc(r.image)} · port ${esc(r.port)}</p>
<h3>Its sockets, as the kernel lists them</h3>
${sockets}
<table>
<thead><tr><th>profile</th><th>verdict</th><th>gate</th><th>evidence</th><th>fix</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

export function auditPage(results: readonly AuditResult[], generatedAt = new Date()): string {
  const failed = results.flatMap((r) => r.gateFailures.map((p) => `${r.audit}: ${p}`));
  const gate = failed.length ? `<p class="summary"><span class="badge o-failed">must-resist failed: ${esc(failed.join(", "))}</span></p>` : `<p class="summary"><span class="badge o-passed">every must-resist profile resisted</span></p>`;
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
