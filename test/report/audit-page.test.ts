// The audit's HTML page: per row its family, what the verdict rests on and the must-resist gate, and
// the modelled host; an inconclusive must-resist row fails the gate there too, never shown resisted.
import test from "ava";
import type { AuditResult, ProfileVerdict } from "../../lab/audit/audit";
import { auditPage } from "../../lab/report/html/audit-page";

const row = (
  profile: ProfileVerdict["profile"],
  family: "v4" | "v6",
  verdict: ProfileVerdict["verdict"],
  basis: ProfileVerdict["basis"],
): ProfileVerdict => ({
  profile,
  family,
  verdict,
  basis,
  evidence: `${profile} ${family} evidence <b>`,
  durationMs: 1,
});

const RESULT: AuditResult = {
  audit: "unbound 5353/tcp",
  file: "audits/unbound.yaml",
  image: "reuselab-audit:x",
  port: "5353/tcp",
  host: { "net.ipv4.ip_unprivileged_port_start": { value: "1024", source: "audit file" } },
  sockets: ["LISTEN 0 256 0.0.0.0:5353"],
  profiles: [
    row("tcp-beside-listener", "v4", "resisted", "kernel"),
    row("tcp-beside-listener", "v6", "inconclusive", "setup"),
    row("tcp-reuseport-same-uid", "v4", "vulnerable", "kernel"),
  ],
  mustResist: ["tcp-beside-listener"],
  gateFailures: ["tcp-beside-listener"],
  notes: [],
};

const rows = (html: string) =>
  [...html.matchAll(/<tr class="profile">(.*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]),
  );

test("each row names its family, what it rests on and its gate; the page names the modelled host", (t) => {
  const html = auditPage([RESULT], new Date(0));
  t.deepEqual(
    rows(html).map((r) => r.slice(0, 5)),
    [
      ["<code>tcp-beside-listener</code>", "v4", "resisted", "kernel", "must resist: resisted"],
      ["<code>tcp-beside-listener</code>", "v6", "inconclusive", "setup", "<strong>must resist: FAILED</strong>"],
      ["<code>tcp-reuseport-same-uid</code>", "v4", "vulnerable", "kernel", ""],
    ],
  );
  t.regex(html, /modelled host: net\.ipv4\.ip_unprivileged_port_start=1024 \(audit file\)/);
  t.regex(html, /must-resist failed: unbound 5353\/tcp: tcp-beside-listener/);
  t.regex(html, /tcp-beside-listener v6 evidence &lt;b&gt;/, "evidence is escaped");
  t.notRegex(html, /every must-resist profile resisted/);
});

test("a page whose must-resist rows all resisted says so", (t) => {
  const html = auditPage([{ ...RESULT, profiles: [RESULT.profiles[0]!], gateFailures: [] }], new Date(0));
  t.regex(html, /every must-resist profile resisted/);
});

test("every cell of a row, each verdict's class, the fix, notes, no sockets, the section's id, the title and the time", (t) => {
  const other: AuditResult = {
    ...RESULT,
    audit: "nginx 80/tcp",
    file: "audits/nginx.yaml",
    port: "80/tcp",
    sockets: [],
    notes: ["the service dropped to uid 101", "no IPv6 <address>"],
    mustResist: [],
    gateFailures: [],
    profiles: [
      {
        ...row("tcp-beside-listener", "v4", "not applicable", undefined),
        family: undefined,
        fix: "set <SO_REUSEPORT>",
      },
    ],
  };
  const html = auditPage([RESULT, other], new Date(Date.UTC(2026, 11, 7, 6, 0, 0)));
  t.deepEqual(
    [...html.matchAll(/<tr class="profile">(.*?)<\/tr>/g)].map((m) => m[1]),
    [
      '<td><code>tcp-beside-listener</code></td><td>v4</td><td class="v-confirmed">resisted</td><td>kernel</td><td>must resist: resisted</td><td>tcp-beside-listener v4 evidence &lt;b&gt;</td><td></td>',
      '<td><code>tcp-beside-listener</code></td><td>v6</td><td class="v-partly">inconclusive</td><td>setup</td><td><strong>must resist: FAILED</strong></td><td>tcp-beside-listener v6 evidence &lt;b&gt;</td><td></td>',
      '<td><code>tcp-reuseport-same-uid</code></td><td>v4</td><td class="v-refuted">vulnerable</td><td>kernel</td><td></td><td>tcp-reuseport-same-uid v4 evidence &lt;b&gt;</td><td></td>',
      '<td><code>tcp-beside-listener</code></td><td>—</td><td class="v-untested">not applicable</td><td></td><td></td><td>tcp-beside-listener v4 evidence &lt;b&gt;</td><td>set &lt;SO_REUSEPORT&gt;</td>',
    ],
  );
  t.true(html.includes("<title>reuselab audit: unbound 5353/tcp, nginx 80/tcp</title>"), html);
  t.true(html.includes('<p class="meta">2026-12-07T06:00:00.000Z</p>'), html);
  t.true(html.includes('<section class="service" id="service-unbound-5353-tcp">\n<h2>unbound 5353/tcp</h2>'), html);
  t.true(html.includes('<section class="service" id="service-nginx-80-tcp">\n<h2>nginx 80/tcp</h2>'), html);
  t.true(html.includes('<p class="meta">audits/nginx.yaml · image reuselab-audit:x · port 80/tcp</p>'), html);
  t.true(
    html.includes(
      '<ul class="notes"><li>the service dropped to uid 101</li><li>no IPv6 &lt;address&gt;</li></ul>\n<h3>Its sockets, as the kernel lists them</h3>\n<p>(no socket listed)</p>',
    ),
    html,
  );
  t.true(
    html.includes("</p>\n\n<h3>Its sockets, as the kernel lists them</h3>\n<pre>LISTEN 0 256 0.0.0.0:5353</pre>"),
    "no notes: no list; the sockets as listed",
  );
  t.true(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  t.true(html.endsWith("</body>\n</html>\n"));
});
