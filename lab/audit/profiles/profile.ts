/** What every attack profile is given, and what it returns: a verdict with its evidence in words. */
import type { ProbeReply } from "../../probe/protocol";
import type { Audit, ProfileVerdict } from "../audit";
import type { AuditLab, Probe } from "../audit-lab";
import { ask, type Asked } from "../service-client";

export interface ProfileContext {
  audit: Audit;
  lab: AuditLab;
  /** The service's own sockets on its port (ss), and the addresses they are bound to. */
  sockets: string[];
  boundAddresses: string[];
  /** Flows (distinct source ports) the client sends in each baseline and each attack. */
  requests: number;
  /** The address family attacked (and asked over): the service's IPv4 or IPv6 address. */
  family: Family;
}

export type Family = "v4" | "v6";

/** The service's address in the family attacked: where the client asks, and the attacker's "specific" bind. */
export function serviceAddress(ctx: Pick<ProfileContext, "lab" | "family">): string {
  return ctx.family === "v6" ? ctx.lab.service.address6 : ctx.lab.service.address;
}

/** The address the service's own socket is bound to in that family ("0.0.0.0", "::", or a specific one). */
export function boundAddress(ctx: Pick<ProfileContext, "lab" | "family" | "boundAddresses">): string {
  const v6 = ctx.family === "v6";
  return ctx.boundAddresses.find((x) => x.includes(":") === v6) ?? serviceAddress(ctx);
}

export type Finding = Omit<ProfileVerdict, "profile" | "durationMs">;
export type Profile = (ctx: ProfileContext) => Promise<Finding>;

/** A uid that is not the service's: the other user on the same host. */
export function otherUid(serviceUid: number): number {
  return serviceUid === 1000 ? 1002 : 1000;
}

export function notApplicable(why: string): Finding {
  return { verdict: "not applicable", evidence: why };
}

/**
 * The attack or its baseline could not be established: thrown anywhere in a profile, it ends as the
 * profile's inconclusive verdict (run-audit), which a must-resist gate counts as a failure.
 */
export class Inconclusive extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "Inconclusive";
  }
}

export function inconclusive(reason: string): Finding {
  return { verdict: "inconclusive", basis: "setup", evidence: reason };
}

/** The kernel's answer (or the probe's refusal) in a few words: "EADDRINUSE", "error: no socket named 'a'". */
export function outcome(r: ProbeReply): string {
  if (typeof r.error === "string") return `error: ${r.error}`;
  return typeof r.ret === "number" && r.ret >= 0 ? "ok" : String(r.errno ?? r.ret);
}

/** A setup call (socket, setsockopt) that must succeed (ret 0, or socket's descriptor) for the attack to mean anything. */
export async function setup(attacker: Probe, words: string[]): Promise<void> {
  const r = await attacker.session.call(words);
  if (outcome(r) !== "ok")
    throw new Inconclusive(`attacker (uid ${attacker.uid}) not set up: ${words.join(" ")} = ${outcome(r)}`);
}

/** Places an attacker of uid in the service's network namespace; a failure to do so is inconclusive. */
export async function placeAttacker(lab: AuditLab, uid: number): Promise<Probe> {
  try {
    return await lab.attacker(uid);
  } catch (e) {
    throw new Inconclusive(
      `the attacker (uid ${uid}) could not be placed in the service's network namespace: ${(e as Error).message}`,
    );
  }
}

/**
 * The service answers every flow well before the attack, or the attack proves nothing: a service that
 * is silent or answers with errors would read as "resisted" when the attacker took nothing.
 */
export async function baseline(ctx: ProfileContext): Promise<Asked> {
  const a = await ask(ctx.lab.client, ctx.audit, serviceAddress(ctx), ctx.requests, 1500);
  if (a.good < a.sent) {
    throw new Inconclusive(
      `baseline not established: before the attack the service gave ${a.good} good answers to ${a.sent} ${a.noun} (${a.answered} answered${a.bad ? `; ${a.bad}` : ""}), so no attack could show a loss`,
    );
  }
  return a;
}

/** Why the kernel refused a bind or listen, in the modelled host's terms. */
export function refusal(errno: string, ctx: ProfileContext, uid: number): string {
  if (errno === "EACCES") {
    const start = ctx.lab.hostSysctls["net.ipv4.ip_unprivileged_port_start"];
    return `EACCES: port ${ctx.audit.port.port} is below net.ipv4.ip_unprivileged_port_start=${start ?? "?"} and uid ${uid} has no CAP_NET_BIND_SERVICE`;
  }
  return errno === "EADDRINUSE" ? "EADDRINUSE: the kernel would not share the port with it" : errno;
}
