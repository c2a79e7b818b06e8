// audit --repeat: a verdict that changed between repetitions is reported with its verdict in each.
import test from "ava";
import type { AuditResult, ProfileVerdict } from "../../lab/audit/audit";
import { formatStability, stability } from "../../lab/audit/audit-stability";

const rep = (...verdicts: ProfileVerdict["verdict"][]): AuditResult[] => [
  {
    audit: "dns",
    file: "a.yaml",
    image: "i",
    port: "53/udp",
    host: {},
    sockets: [],
    mustResist: [],
    gateFailures: [],
    notes: [],
    profiles: verdicts.map((verdict, i) => ({
      profile: (["udp-reuseport-same-uid", "restart"] as const)[i]!,
      verdict,
      evidence: "",
      durationMs: 0,
    })),
  },
];

test("a verdict that flips is reported with each repetition's verdict; steady ones with their figures", (t) => {
  const rows = stability([
    rep("vulnerable", "vulnerable"),
    rep("resisted", "vulnerable"),
    rep("vulnerable", "vulnerable"),
  ]);
  t.deepEqual(
    rows.map((r) => [r.profile, r.changed]),
    [
      ["udp-reuseport-same-uid", true],
      ["restart", false],
    ],
  );
  const text = formatStability(rows);
  t.regex(text, /udp-reuseport-same-uid\s+CHANGED: vulnerable 2\/3, resisted 1\/3 \(vulnerable resisted vulnerable\)/);
  t.regex(text, /restart\s+vulnerable 3\/3/);
  t.regex(text, /1 of 2 verdicts changed over 3 repetitions/);
  t.regex(
    formatStability(stability([rep("resisted"), rep("resisted")])),
    /every verdict \(1\) was the same in all 2 repetitions/,
  );
});
