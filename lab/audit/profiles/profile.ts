/** What every attack profile is given, and what it returns: a verdict with its evidence in words. */
import type { Audit, ProfileVerdict } from "../audit";
import type { AuditLab } from "../audit-lab";

export interface ProfileContext {
  audit: Audit;
  lab: AuditLab;
  /** The service's own sockets on its port (ss), and the addresses they are bound to. */
  sockets: string[];
  boundAddresses: string[];
  /** Questions the client asks in each attack. */
  requests: number;
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
