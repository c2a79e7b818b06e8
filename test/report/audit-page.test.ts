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
