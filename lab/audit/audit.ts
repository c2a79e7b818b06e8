/**
 * The service audit's model: an audit file names a real service (its image, command, user and ports)
 * and the attack profiles to run against it; each profile ends in a verdict with its evidence.
 */

/** The attacks and disruptions an audit can run (lab/audit/profiles/*), in the order it runs them: restart last, it tears down the service's network namespace. */
export const PROFILES = [
  "udp-specific-reuseaddr",
  "udp-same-address-reuseaddr",
  "udp-reuseport-same-uid",
  "udp-reuseport-other-uid",
  "tcp-beside-listener",
  "tcp-reuseport-same-uid",
  "reload",
  "restart",
] as const;
export type ProfileName = (typeof PROFILES)[number];

/** What a client of the service speaks: the audit asks it real questions. */
export const PROTOCOLS = ["dns", "http"] as const;
export type ServiceProtocol = (typeof PROTOCOLS)[number];

export interface ServicePort {
  port: number;
  transport: "udp" | "tcp";
}

/** Where the service's image comes from: built here from Debian packages, or a local image as it is. */
export type ServiceImageSpec = { kind: "packages"; packages: string[] } | { kind: "local"; image: string };

export interface Audit {
  /** The audit file, or "--image" for a quick audit from the command line. */
  file: string;
  name: string;
  image: ServiceImageSpec;
  command: string[];
  /** uid[:gid] the service runs as; the attacker of the other-uid profiles is another uid. */
  user: string;
  /** Capabilities the service needs beyond none at all (each audit file says why). */
  capabilities: string[];
  /** Writable tmpfs mounts the service needs on its read-only root (pid files, caches). */
  tmpfs: string[];
  protocol: ServiceProtocol;
  port: ServicePort;
  /** The command that makes the running service reload its configuration (docker exec), if any. */
  reload?: string[];
  profiles: ProfileName[];
  mustResist: ProfileName[];
}

export type VerdictKind = "vulnerable" | "resisted" | "not applicable";

export interface ProfileVerdict {
  profile: ProfileName;
  verdict: VerdictKind;
  /** What was observed, in words with the figures ("client: 0 of 10 queries answered; attacker received 10"). */
  evidence: string;
  /** The counts behind the evidence, for --json. */
  counts?: Record<string, number>;
  /** How to close the hole, when there is one. */
  fix?: string;
  durationMs: number;
}

export interface AuditResult {
  audit: string;
  file: string;
  image: string;
  port: string;
  /** The service's own sockets as the kernel lists them (ss -l inside its network namespace). */
  sockets: string[];
  profiles: ProfileVerdict[];
  /** Profiles listed in must-resist that were found vulnerable: the CI gate. */
  gateFailures: ProfileName[];
}
