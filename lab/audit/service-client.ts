/**
 * The service's client: real questions in the service's own protocol, asked by the client probe
 * (dnsq for DNS over UDP, httpget for HTTP, udpq and tcpq for NTP, DNS over TCP and raw payloads)
 * from many flows (distinct source ports: a SO_REUSEPORT group hashes each on its own), and how many
 * got a good answer. Answers are judged: a DNS answer is good with RCODE NOERROR or NXDOMAIN
 * (REFUSED, SERVFAIL… are a service that does not serve), an HTTP one with a 2xx or 3xx status, an
 * NTP one is a server's reply (mode 4) with a stratum of 1 to 15 (0 is a kiss-o'-death), a raw UDP or
 * TCP one contains the bytes the audit file expects.
 */
import { LabError } from "../errors";
import { replyFields } from "../probe/commands";
import type { ProbeReply } from "../probe/protocol";
import type { Audit } from "./audit";
import type { Probe } from "./audit-lab";
import type { ServiceContainer } from "./service-container";
import { serviceSockets } from "./service-sockets";

export interface Asked {
  sent: number;
  /** Questions that got any answer of the protocol's. */
  answered: number;
  /** Answers judged good (see above). */
  good: number;
  /** The answers that were not good, by RCODE or HTTP status, and failures by reason: { REFUSED: 64 }. */
  failures: Record<string, number>;
  /** The same in words: "REFUSED 64". */
  bad: string;
  /** "queries" or "requests", for the evidence. */
  noun: string;
  reply: ProbeReply;
}

const GOOD_RCODES = ["NOERROR", "NXDOMAIN"];
/** NTP's client packet (RFC 5905): LI 0, version 4, mode 3 (client), the rest zero. */
const NTP_REQUEST = `23${"00".repeat(47)}`;

/**
 * The query dnsq asks (images/probe/cmd_service.c), over TCP: its two-byte length first (RFC 1035
 * 4.2.2). Id 0x5254, RD, one question: reuselab.test A IN, which the audit's DNS servers answer.
 */
export const DNS_TCP_QUERY = dnsTcpQuery();

function dnsTcpQuery(): string {
  const hex = (b: Buffer | number[]) => Buffer.from(b).toString("hex");
  const qname = ["reuselab", "test"].map((label) => hex([label.length]) + hex(Buffer.from(label))).join("") + "00";
  const message = `5254 0100 0001 0000 0000 0000 ${qname} 0001 0001`.replace(/ /g, "");
  return (message.length / 2).toString(16).padStart(4, "0") + message;
}

export async function ask(client: Probe, audit: Audit, address: string, n: number, timeoutMs: number): Promise<Asked> {
  const port = String(audit.port.port);
  if (audit.port.transport === "tcp" && audit.protocol !== "http") {
    const dns = audit.protocol === "dns";
    const payload = dns ? DNS_TCP_QUERY : audit.payload!;
    const r = await client.session.call(
      [
        "tcpq",
        address,
        port,
        String(Math.min(n, 256)),
        String(timeoutMs),
        payload,
        dns ? "dns" : (audit.expect ?? "any"),
      ],
      timeoutMs + 10_000,
    );
    checkReply(r, "tcpq");
    const f = replyFields("tcpq", r);
    const errors = f.errors ?? {};
    if (!dns) return asked(f.sent ?? 0, f.answered ?? 0, f.good ?? 0, errors, "requests", r);
    const rcodes = f.rcodes ?? {};
    return asked(f.sent ?? 0, f.answered ?? 0, goodRcodes(rcodes), { ...badRcodes(rcodes), ...errors }, "queries", r);
  }
  if (audit.protocol === "dns") {
    const r = await client.session.call(
      ["dnsq", address, port, String(n), String(timeoutMs), String(Math.min(n, 256))],
      timeoutMs + 10_000,
    );
    checkReply(r, "dnsq");
    const f = replyFields("dnsq", r);
    const rcodes = f.rcodes ?? {};
    return asked(f.sent ?? 0, f.answered ?? 0, goodRcodes(rcodes), badRcodes(rcodes), "queries", r);
  }
  if (audit.protocol === "ntp" || audit.protocol === "udp") {
    const payload = audit.protocol === "ntp" ? NTP_REQUEST : audit.payload!;
    const judge = audit.protocol === "ntp" ? "ntp" : (audit.expect ?? "any");
    const r = await client.session.call(
      ["udpq", address, port, String(Math.min(n, 256)), String(timeoutMs), payload, judge],
      timeoutMs + 10_000,
    );
    checkReply(r, "udpq");
    const f = replyFields("udpq", r);
    const answered = f.answered ?? 0;
    const good = f.good ?? 0;
    const why = audit.protocol === "ntp" ? "not a server's reply with stratum 1 to 15" : "without the expected bytes";
    return asked(f.sent ?? 0, answered, good, answered > good ? { [why]: answered - good } : {}, "requests", r);
  }
  const r = await client.session.call(["httpget", address, port, String(n), String(timeoutMs)], n * timeoutMs + 10_000);
  checkReply(r, "httpget");
  const f = replyFields("httpget", r);
  const status = f.status ?? {};
  const good = Object.entries(status)
    .filter(([k]) => /^[23]\d\d$/.test(k))
    .reduce((sum, [, v]) => sum + v, 0);
  const bad = Object.fromEntries(
    Object.entries(status)
      .filter(([k]) => !/^[23]\d\d$/.test(k))
      .map(([k, v]) => [`status ${k}`, v]),
  );
  return asked(f.tries ?? 0, f.ok ?? 0, good, bad, "requests", r);
}

function asked(
  sent: number,
  answered: number,
  good: number,
  failures: Record<string, number>,
  noun: string,
  reply: ProbeReply,
): Asked {
  const bad = Object.entries(failures)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return { sent, answered, good, failures, bad, noun, reply };
}

const goodRcodes = (rcodes: Record<string, number>) => GOOD_RCODES.reduce((sum, k) => sum + (rcodes[k] ?? 0), 0);
const badRcodes = (rcodes: Record<string, number>) =>
  Object.fromEntries(Object.entries(rcodes).filter(([k]) => !GOOD_RCODES.includes(k)));

function checkReply(r: ProbeReply, cmd: string): void {
  if (typeof r.error === "string")
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `the client's ${cmd} was refused: ${r.error}`);
}

export type Readiness = { ready: true; ms: number } | { ready: false; reason: string; output: string };

/**
 * Waits until the service's socket on its port exists in its namespace (the kernel's own signal that
 * it is bound), then asks it once. Bounded: a service that never binds, exits, or binds and does not
 * answer is reported as not ready, with why and the end of its output.
 */
export async function waitUntilReady(
  client: Probe,
  audit: Audit,
  service: ServiceContainer,
  limitMs = 20_000,
): Promise<Readiness> {
  const started = Date.now();
  const where = `${service.address} ${audit.port.port}/${audit.port.transport}`;
  for (;;) {
    if (!(await service.running()))
      return {
        ready: false,
        reason: `the service exited before it listened on ${where}`,
        output: await service.logTail(),
      };
    const pid = await service.pid();
    if (pid && serviceSockets(pid, audit.port).some((l) => !l.startsWith("("))) break; // "(ss could not…)" is no socket
    if (Date.now() - started > limitMs)
      return {
        ready: false,
        reason: `the service never bound ${where} (no such socket in its namespace after ${limitMs} ms)`,
        output: await service.logTail(),
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  // Bound: a service that answers does so now. Three tries, for one that binds before it serves.
  let last: Asked | undefined;
  for (let i = 0; i < 3; i++) {
    last = await ask(client, audit, service.address, 1, 1000);
    if (last.good === 1) return { ready: true, ms: Date.now() - started };
  }
  const what = last!.answered
    ? `answered with errors only (${last!.bad})`
    : `did not answer a ${audit.protocol} ${audit.protocol === "dns" ? "query" : "request"}`;
  return { ready: false, reason: `the service listens on ${where} but ${what}`, output: await service.logTail() };
}
