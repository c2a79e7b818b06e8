/**
 * The service's client: real questions in the service's own protocol, asked by the client probe
 * (dnsq for DNS, httpget for HTTP), and how many really got an answer.
 */
import { LabError } from "../errors";
import type { ProbeReply } from "../probe/protocol";
import type { Audit } from "./audit";
import type { Probe } from "./audit-lab";
import type { ServiceContainer } from "./service-container";

export interface Asked {
  sent: number;
  answered: number;
  /** "queries" or "requests", for the evidence. */
  noun: string;
  reply: ProbeReply;
}

export async function ask(client: Probe, audit: Audit, address: string, n: number, timeoutMs: number): Promise<Asked> {
  const port = String(audit.port.port);
  if (audit.protocol === "dns") {
    const r = await client.session.call(["dnsq", address, port, String(n), String(timeoutMs)], timeoutMs + 10_000);
    return { sent: num(r.sent), answered: num(r.answered), noun: "queries", reply: r };
  }
  const r = await client.session.call(["httpget", address, port, String(n), String(timeoutMs)], n * timeoutMs + 10_000);
  return { sent: num(r.tries), answered: num(r.ok), noun: "requests", reply: r };
}

/** Waits until the service answers one question; bounded, and it says why it gave up. */
export async function waitUntilAnswers(client: Probe, audit: Audit, service: ServiceContainer, limitMs = 20_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (!(await service.running())) {
      throw new LabError("REUSELAB_DEMO_FAILED", `${audit.file}: the service '${audit.name}' exited before it answered; its output:\n${await service.logTail()}`);
    }
    const a = await ask(client, audit, service.address, 1, 300);
    if (a.answered === 1) return Date.now() - started;
    if (Date.now() - started > limitMs) {
      throw new LabError("REUSELAB_TIMEOUT", `${audit.file}: the service '${audit.name}' did not answer a ${audit.protocol} ${a.noun.slice(0, -1)} on ${service.address} ${audit.port.port}/${audit.port.transport} within ${limitMs} ms; its output:\n${await service.logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}
