import type { HijackDemoResult } from "./hijack-demo";
import type { ServerTally } from "./hijack-demo-logs";

/**
 * Who answered, as text for a terminal:
 *
 *   reuselab demo hijack: compose project reuselab-hijack-… (docker-compose version 1.29.2, build unknown)
 *     network 10.214.7.0/24, internal (no way out)
 *     victim    uid 1000  bound udp 0.0.0.0:5353 with SO_REUSEADDR          answered 0
 *     attacker  uid 1001  bound udp 10.214.7.10:5353 with SO_REUSEADDR      answered 10
 *     client    uid 1002  sent 10 requests to 10.214.7.10:5353
 *   answered by the attacker 10 of 10, by the victim 0, unanswered 0
 *   the attacker took every request sent to the victim's address: …
 */
export function formatHijackDemo(r: HijackDemoResult): string {
  const lines = [
    `reuselab demo hijack: compose project ${r.project} (${r.compose})`,
    `  network ${r.subnet}, internal (no way out)`,
    service("victim", r.victim),
    service("attacker", r.attacker),
    `  ${"client".padEnd(9)} uid ${r.clientUid ?? "?"}  sent ${r.sent} request${r.sent === 1 ? "" : "s"} to ${r.victimIp}:5353`,
    `answered by the attacker ${r.answeredByAttacker} of ${r.sent}, by the victim ${r.answeredByVictim}, unanswered ${r.unanswered}`,
    verdict(r),
    `${(r.durationMs / 1000).toFixed(1)} s; the demo's containers and network are removed`,
  ];
  return lines.join("\n") + "\n";
}

function service(name: string, t: ServerTally): string {
  const bound = t.bound ? `bound udp ${t.bound}${t.reuseaddr ? " with SO_REUSEADDR" : ""}` : "did not bind";
  return `  ${name.padEnd(9)} uid ${t.uid ?? "?"}  ${bound.padEnd(47)} answered ${t.answered}`;
}

function verdict(r: HijackDemoResult): string {
  if (r.sent > 0 && r.answeredByAttacker === r.sent) {
    return "the attacker took every request sent to the victim's address: its bind to that exact address wins over the victim's wildcard, whatever its uid";
  }
  if (r.sent > 0 && r.answeredByVictim === r.sent)
    return "the victim answered every request: on this kernel the attacker's more specific bind did not take them";
  return "the requests were split (or lost): this is not the outcome the demo shows on Linux";
}
