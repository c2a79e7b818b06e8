// The attack profiles' verdicts against a scripted lab (no engine): what the kernel allowed decides,
// whatever share one round of traffic showed; every way the attack or its baseline can fail to be
// established is inconclusive, and an inconclusive must-resist profile fails the gate.
import test from "ava";
import type { Audit, ProfileVerdict } from "../../lab/audit/audit";
import type { AuditLab } from "../../lab/audit/audit-lab";
import { formatAudits } from "../../lab/audit/audit-report";
import { Inconclusive, type Finding, type ProfileContext } from "../../lab/audit/profiles/profile";
import { tcpBesideListener } from "../../lab/audit/profiles/tcp-beside-listener";
import { udpReuseportSameUid, udpSpecificReuseaddr } from "../../lab/audit/profiles/udp-hijack";
import { notApplicableReason } from "../../lab/audit/profiles/applicability";
import { DNS_TCP_QUERY } from "../../lab/audit/service-client";
import { gateFailures } from "../../lab/audit/run-audit";
import { servedFamilies } from "../../lab/audit/service-sockets";
import type { ProbeReply } from "../../lab/probe/protocol";

/** The probe's answer to one command, without its seq and cmd. */
type Script = (words: string[]) => Record<string, unknown>;

const DNS: Audit = {
  file: "a.yaml",
  name: "dns",
  image: { kind: "local", image: "x" },
  command: ["x"],
  user: "65534",
  capabilities: [],
  tmpfs: [],
  protocol: "dns",
  port: { port: 53, transport: "udp" },
  profiles: ["udp-specific-reuseaddr"],
  mustResist: ["udp-specific-reuseaddr"],
  hostSysctls: {},
  lines: {},
};
const HTTP: Audit = {
  ...DNS,
  protocol: "http",
  port: { port: 8080, transport: "tcp" },
  profiles: ["tcp-beside-listener"],
  mustResist: ["tcp-beside-listener"],
};

/** Every query answered NOERROR. */
const healthy: Script = (w) =>
  w[0] === "dnsq"
    ? { sent: Number(w[3]), answered: Number(w[3]), rcodes: { NOERROR: Number(w[3]) } }
    : { tries: Number(w[3]), ok: Number(w[3]), status: { "200": Number(w[3]) } };
/** The attacker's calls all succeed (socket answers with its descriptor) and it receives nothing. */
const placed: Script = (w) =>
  w[0] === "socket"
    ? { ret: 3, errno: null }
    : w[0] === "recv"
      ? { ret: 0, received: 0 }
      : w[0] === "accept"
        ? { ret: 0, accepted: 0 }
        : { ret: 0, errno: null };

function context(audit: Audit, client: Script, attacker: Script | Error, calls: string[] = []): ProfileContext {
  const session = (s: Script) => ({
    call: async (w: string[]) => (calls.push(w.join(" ")), { ...s(w), seq: 1, cmd: w[0]! } as ProbeReply),
  });
  const lab = {
    service: { address: "10.213.0.10", uid: 65534 },
    client: { uid: 1001, session: session(client), remove: async () => undefined },
    hostSysctls: { "net.ipv4.ip_unprivileged_port_start": "1024" },
    attacker: async (uid: number) => {
      if (attacker instanceof Error) throw attacker;
      return { uid, session: session(attacker), remove: async () => undefined };
    },
  };
  return {
    audit,
    lab: lab as unknown as AuditLab,
    sockets: [],
    boundAddresses: ["0.0.0.0"],
    requests: 64,
    family: "v4",
  };
}

/** What run-audit makes of a profile: its finding, or inconclusive with the reason it threw. */
async function verdict(run: (ctx: ProfileContext) => Promise<Finding>, ctx: ProfileContext): Promise<Finding> {
  try {
    return await run(ctx);
  } catch (e) {
    if (e instanceof Inconclusive) return { verdict: "inconclusive", evidence: e.reason };
    throw e;
  }
}

test("a bind the kernel allows is vulnerable even when this round's hash sent the attacker no flow", async (t) => {
  const f = await verdict(udpReuseportSameUid, context(DNS, healthy, placed));
  t.is(f.verdict, "vulnerable");
  t.is(f.basis, "kernel");
  t.regex(
    f.evidence,
    /^the kernel let attacker \(uid 65534, SO_REUSEPORT, no capability\) bind 0\.0\.0\.0:53 beside the service; traffic: the attacker took 0 of 64 flows, the service answered 64; it took none this time, yet holds the port/,
  );
});

test("the traffic comes from 64 flows (distinct source ports) and the share taken is reported", async (t) => {
  const calls: string[] = [];
  const took31: Script = (w) => (w[0] === "recv" ? { ret: 31, received: 31 } : placed(w));
  const f = await verdict(udpSpecificReuseaddr, context(DNS, healthy, took31, calls));
  t.is(f.verdict, "vulnerable");
  t.regex(f.evidence, /the attacker took 31 of 64 flows/);
  t.true(
    calls.filter((c) => c.startsWith("dnsq")).every((c) => c.endsWith(" 64 1500 64")),
    calls.join("\n"),
  );
});

test("a bind refused with EACCES is resisted, and says which ip_unprivileged_port_start it met", async (t) => {
  const eacces: Script = (w) => (w[0] === "bind" ? { ret: -1, errno: "EACCES" } : placed(w));
  const f = await verdict(udpSpecificReuseaddr, context(DNS, healthy, eacces));
  t.is(f.verdict, "resisted");
  t.is(
    f.evidence,
    "the kernel refused attacker (uid 1000, SO_REUSEADDR, no capability): bind 10.213.0.10:53 = EACCES: port 53 is below net.ipv4.ip_unprivileged_port_start=1024 and uid 1000 has no CAP_NET_BIND_SERVICE",
  );
});

test("inconclusive: the service silent before the attack (baseline)", async (t) => {
  const silent: Script = (w) => ({ sent: Number(w[3]), answered: 0, rcodes: {} });
  const f = await verdict(udpSpecificReuseaddr, context(DNS, silent, placed));
  t.is(f.verdict, "inconclusive");
  t.regex(
    f.evidence,
    /^baseline not established: before the attack the service gave 0 good answers to 64 queries \(0 answered\)/,
  );
});

test("inconclusive: error answers (REFUSED) are not a healthy baseline", async (t) => {
  const refused: Script = (w) => ({ sent: Number(w[3]), answered: Number(w[3]), rcodes: { REFUSED: Number(w[3]) } });
  const f = await verdict(udpSpecificReuseaddr, context(DNS, refused, placed));
  t.is(f.verdict, "inconclusive");
  t.regex(f.evidence, /0 good answers to 64 queries \(64 answered; REFUSED 64\)/);
  const http500: Script = (w) => ({ tries: Number(w[3]), ok: Number(w[3]), status: { "500": Number(w[3]) } });
  const g = await verdict(tcpBesideListener, context(HTTP, http500, placed));
  t.is(g.verdict, "inconclusive");
  t.regex(g.evidence, /0 good answers to 64 requests \(64 answered; status 500 64\)/);
});

test("inconclusive: the attacker could not be placed", async (t) => {
  const f = await verdict(udpSpecificReuseaddr, context(DNS, healthy, new Error("container exited")));
  t.is(f.verdict, "inconclusive");
  t.is(f.evidence, "the attacker (uid 1000) could not be placed in the service's network namespace: container exited");
});

test("inconclusive: a setup call refused, or a bind that fails for another reason than the port", async (t) => {
  const noOpt: Script = (w) => (w[0] === "setsockopt" ? { ret: -1, errno: "ENOPROTOOPT" } : placed(w));
  t.like(await verdict(udpSpecificReuseaddr, context(DNS, healthy, noOpt)), {
    verdict: "inconclusive",
    evidence: "attacker (uid 1000) not set up: setsockopt a reuseaddr 1 = ENOPROTOOPT",
  });
  const refusedCmd: Script = (w) => (w[0] === "socket" ? { error: "usage: socket NAME tcp|udp 4|6" } : placed(w));
  t.like(await verdict(tcpBesideListener, context(HTTP, healthy, refusedCmd)), {
    verdict: "inconclusive",
    evidence: "attacker (uid 1000) not set up: socket a tcp 4 = error: usage: socket NAME tcp|udp 4|6",
  });
  const notLocal: Script = (w) => (w[0] === "bind" ? { ret: -1, errno: "EADDRNOTAVAIL" } : placed(w));
  t.like(await verdict(udpSpecificReuseaddr, context(DNS, healthy, notLocal)), {
    verdict: "inconclusive",
    basis: "setup",
  });
  const listenOdd: Script = (w) => (w[0] === "listen" ? { ret: -1, errno: "EOPNOTSUPP" } : placed(w));
  t.like(await verdict(tcpBesideListener, context(HTTP, healthy, listenOdd)), { verdict: "inconclusive" });
  const listenRefused: Script = (w) => (w[0] === "listen" ? { ret: -1, errno: "EADDRINUSE" } : placed(w));
  t.like(await verdict(tcpBesideListener, context(HTTP, healthy, listenRefused)), {
    verdict: "resisted",
    basis: "kernel",
  });
});

test("the gate: a must-resist profile fails it unless resisted; the report never shows inconclusive as resisted", (t) => {
  const v = (profile: ProfileVerdict["profile"], verdict: ProfileVerdict["verdict"]): ProfileVerdict => ({
    profile,
    verdict,
    evidence: "e",
    durationMs: 0,
  });
  const verdicts = [
    v("udp-specific-reuseaddr", "inconclusive"),
    v("udp-reuseport-other-uid", "resisted"),
    v("restart", "not applicable"),
  ];
  t.deepEqual(gateFailures(verdicts, ["udp-specific-reuseaddr", "udp-reuseport-other-uid", "restart"]), [
    "udp-specific-reuseaddr",
    "restart",
  ]);
  t.deepEqual(gateFailures(verdicts, ["udp-reuseport-other-uid"]), []);
  const text = formatAudits([
    {
      audit: "dns",
      file: "a.yaml",
      image: "i",
      port: "53/udp",
      host: {},
      sockets: [],
      profiles: verdicts,
      mustResist: ["udp-specific-reuseaddr"],
      gateFailures: ["udp-specific-reuseaddr"],
      notes: [],
    },
  ]);
  t.regex(
    text,
    /dns: FAILED: must-resist udp-specific-reuseaddr inconclusive \(the attack could not be established, so nothing was proven resisted\)/,
  );
  t.notRegex(text, /every must-resist profile was resisted/);
});

test("the families attacked: IPv4 through an IPv4 socket or a dual-stack IPv6 one, IPv6 through any IPv6 socket", (t) => {
  const v4 = 'UNCONN 0 0 0.0.0.0:53 0.0.0.0:* users:(("d",pid=1,fd=4)) uid:65534 <->';
  const v6only = 'UNCONN 0 0 [::]:53 [::]:* users:(("d",pid=1,fd=6)) uid:65534 v6only:1 <->';
  const dual = 'UNCONN 0 0 [::]:53 [::]:* users:(("d",pid=1,fd=6)) uid:65534 <->';
  t.deepEqual(servedFamilies([v4, v6only]), ["v4", "v6"]);
  t.deepEqual(servedFamilies([v4]), ["v4"]);
  t.deepEqual(servedFamilies([v6only]), ["v6"]);
  t.deepEqual(servedFamilies([dual]), ["v4", "v6"]);
  t.deepEqual(servedFamilies(["(ss could not list the sockets: x)"]), []);
});

test("an IPv6 attack binds the service's IPv6 address (or [::]) with an IPv6 socket and asks over IPv6", async (t) => {
  const calls: string[] = [];
  const ctx = { ...context(DNS, healthy, placed, calls), family: "v6" as const, boundAddresses: ["0.0.0.0", "::"] };
  (ctx.lab.service as { address6: string }).address6 = "fd00:213:1::10";
  const f = await verdict(udpSpecificReuseaddr, ctx);
  t.regex(f.evidence, /bind \[fd00:213:1::10\]:53 beside the service/);
  t.true(calls.includes("socket a udp 6"), calls.join("\n"));
  t.true(
    calls.filter((c) => c.startsWith("dnsq")).every((c) => c.startsWith("dnsq fd00:213:1::10 53 ")),
    calls.join("\n"),
  );
  const same = await verdict(udpReuseportSameUid, ctx);
  t.regex(same.evidence, /bind \[::\]:53 beside/);
});

test("a TCP port of a DNS server is asked DNS over TCP (tcpq, length-prefixed), its RCODEs judged", async (t) => {
  const DNS_TCP: Audit = {
    ...DNS,
    port: { port: 53, transport: "tcp" },
    profiles: ["tcp-beside-listener"],
    mustResist: ["tcp-beside-listener"],
  };
  const calls: string[] = [];
  const tcpq =
    (rcodes: (n: number) => Record<string, number>): Script =>
    (w) =>
      w[0] === "tcpq"
        ? {
            sent: Number(w[3]),
            connected: Number(w[3]),
            answered: Number(w[3]),
            good: 0,
            rcodes: rcodes(Number(w[3])),
            errors: {},
          }
        : {};
  const f = await verdict(
    tcpBesideListener,
    context(
      DNS_TCP,
      tcpq((n) => ({ NOERROR: n })),
      placed,
      calls,
    ),
  );
  t.not(f.verdict, "inconclusive", f.evidence);
  const asked = calls.filter((c) => c.startsWith("tcpq"));
  t.true(
    asked.length > 0 &&
      asked.every((c) => new RegExp(`^tcpq 10\\.213\\.0\\.10 53 64 \\d+ ${DNS_TCP_QUERY} dns$`).test(c)),
    calls.join("\n"),
  );
  // The query's length prefix is the length of what follows it.
  t.is(parseInt(DNS_TCP_QUERY.slice(0, 4), 16), DNS_TCP_QUERY.length / 2 - 2);
  const refused = await verdict(
    tcpBesideListener,
    context(
      DNS_TCP,
      tcpq((n) => ({ REFUSED: n })),
      placed,
    ),
  );
  t.is(refused.verdict, "inconclusive");
  t.regex(refused.evidence, /0 good answers to 64 queries \(64 answered; REFUSED 64\)/);
});

test("a raw TCP service is sent the file's payload and judged by the expected bytes; connection errors are named", async (t) => {
  const RAW: Audit = {
    ...DNS,
    protocol: "tcp",
    payload: "7374617473",
    expect: "53544154",
    port: { port: 11211, transport: "tcp" },
    profiles: ["tcp-beside-listener"],
    mustResist: ["tcp-beside-listener"],
  };
  const calls: string[] = [];
  const good: Script = (w) =>
    w[0] === "tcpq"
      ? { sent: Number(w[3]), connected: Number(w[3]), answered: Number(w[3]), good: Number(w[3]), errors: {} }
      : {};
  const f = await verdict(tcpBesideListener, context(RAW, good, placed, calls));
  t.not(f.verdict, "inconclusive", f.evidence);
  t.true(
    calls
      .filter((c) => c.startsWith("tcpq"))
      .every((c) => /^tcpq 10\.213\.0\.10 11211 64 \d+ 7374617473 53544154$/.test(c)),
    calls.join("\n"),
  );
  const wrong: Script = (w) =>
    w[0] === "tcpq" ? { sent: 64, connected: 64, answered: 64, good: 0, errors: { "unexpected-reply": 64 } } : {};
  const g = await verdict(tcpBesideListener, context(RAW, wrong, placed));
  t.is(g.verdict, "inconclusive");
  t.regex(g.evidence, /0 good answers to 64 requests \(64 answered; unexpected-reply 64\)/);
  const refused: Script = (w) =>
    w[0] === "tcpq" ? { sent: 64, connected: 0, answered: 0, good: 0, errors: { ECONNREFUSED: 64 } } : {};
  const h = await verdict(tcpBesideListener, context(RAW, refused, placed));
  t.is(h.verdict, "inconclusive");
  t.regex(h.evidence, /\(0 answered; ECONNREFUSED 64\)/);
});

test("which profiles fit which protocol: DNS and raw payloads over both transports, NTP over UDP only", (t) => {
  const at = (port: number, transport: "udp" | "tcp", protocol: Audit["protocol"]) => ({
    port: { port, transport },
    protocol,
  });
  t.is(notApplicableReason("tcp-beside-listener", at(53, "tcp", "dns")), undefined);
  t.is(notApplicableReason("tcp-beside-listener", at(11211, "tcp", "tcp")), undefined);
  t.is(notApplicableReason("udp-specific-reuseaddr", at(11211, "udp", "udp")), undefined);
  t.regex(notApplicableReason("tcp-beside-listener", at(53, "udp", "dns")) ?? "", /TCP/);
  t.regex(notApplicableReason("udp-specific-reuseaddr", at(53, "tcp", "dns")) ?? "", /UDP/);
});
