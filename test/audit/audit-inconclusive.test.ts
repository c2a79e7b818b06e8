// The gate on real containers when the attack cannot be established: a service that binds its port
// and never answers, one that answers every query REFUSED, and one whose command does not exist. None
// may read as resisted: the first two are inconclusive and fail a must-resist gate (exit 1), the last
// is a clear error naming the audit file's line (exit 2), and nothing is left behind.
import test from "ava";
import Docker from "dockerode";
import { readFileSync, writeFileSync } from "node:fs";
import type { AuditResult } from "../../lab/audit/audit";
import { join } from "node:path";
import { ensureServiceImage } from "../../lab/audit/service-image";
import { ensureMachine } from "../../lab/bootstrap/ensure";
import { lab, scratch } from "../cli/helpers";

const HEAD = `schemaVersion: 1
name: NAME
image: { packages: [dnsmasq, nginx] }
user: "65534:65534"
protocol: dns
port: 5353/udp
profiles: [udp-specific-reuseaddr, udp-reuseport-other-uid]
must-resist: [udp-reuseport-other-uid]
`;

/** The CLI's run of one audit file, with its --json verdicts. */
function audit(file: string): { code: number | null; out: string; err: string; result: AuditResult } {
  const json = join(scratch(), "audit.json");
  const r = lab(["audit", file, "--json", json]);
  const result =
    r.code === 0 || r.code === 1
      ? (JSON.parse(readFileSync(json, "utf8")) as { audit: AuditResult[] }).audit[0]!
      : ({} as AuditResult);
  return { ...r, result };
}

function auditFile(name: string, command: string): string {
  const file = join(scratch(), `${name}.yaml`);
  writeFileSync(file, `${HEAD.replace("NAME", name)}command: ${command}\n`);
  return file;
}

test.before(async () => {
  ensureMachine("audit");
  await ensureServiceImage(new Docker(), ["dnsmasq", "nginx"]);
});

test("a service that binds its port and never answers: every profile inconclusive, the gate fails", (t) => {
  const file = auditFile(
    "silent",
    `[perl, -MIO::Socket::INET, -e, 'my $s = IO::Socket::INET->new(LocalPort => 5353, Proto => "udp") or die "bind: $!"; sleep']`,
  );
  const r = audit(file);
  t.is(r.code, 1, r.err);
  t.deepEqual(
    r.result.profiles.map((p) => [p.profile, p.verdict]),
    [
      ["udp-specific-reuseaddr", "inconclusive"],
      ["udp-reuseport-other-uid", "inconclusive"],
    ],
  );
  t.regex(
    r.result.profiles[1]!.evidence,
    /^no baseline: the service listens on 10\.213\.\d+\.10 5353\/udp but did not answer a dns query$/,
  );
  t.deepEqual(r.result.gateFailures, ["udp-reuseport-other-uid"]);
  t.regex(r.out, /udp-reuseport-other-uid\s+inconclusive \(must resist\)/);
  t.regex(
    r.out,
    /silent: FAILED: must-resist udp-reuseport-other-uid inconclusive \(the attack could not be established, so nothing was proven resisted\)/,
  );
  t.notRegex(r.out, /resisted\n|was resisted/);
});

test("a resolver that answers every query REFUSED is not a healthy baseline: inconclusive, the gate fails", (t) => {
  // No --address and no upstream: dnsmasq refuses what it cannot answer.
  const file = auditFile(
    "refusing",
    "[dnsmasq, --keep-in-foreground, --port=5353, --user=, --pid-file=, --log-facility=-, --no-resolv, --no-hosts]",
  );
  const r = audit(file);
  t.is(r.code, 1, r.err);
  t.deepEqual(
    r.result.profiles.map((p) => p.verdict),
    ["inconclusive", "inconclusive"],
  );
  t.regex(
    r.result.profiles[1]!.evidence,
    /^no baseline: the service listens on \S+ 5353\/udp but answered with errors only \(REFUSED 1\)$/,
  );
  t.deepEqual(r.result.gateFailures, ["udp-reuseport-other-uid"]);
  t.regex(r.out, /refusing: FAILED: must-resist udp-reuseport-other-uid inconclusive/);
});

test("a command the image does not have: exit 2 naming the file's command line, no stack trace", (t) => {
  const file = auditFile("missing", "[no-such-program, --flag]");
  const r = lab(["audit", file]);
  t.is(r.code, 2, r.err);
  t.regex(
    r.err,
    new RegExp(
      `${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:9: the service 'missing' could not be started with command \\[no-such-program, --flag\\] as user 65534:65534: .*no-such-program`,
    ),
  );
  t.notRegex(r.err, /internal error|\n\s+at /);
});
