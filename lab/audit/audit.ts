/**
 * The service audit's model: an audit file names a real service (its image, command, user and ports)
 * and the attack profiles to run against it; each profile ends in a verdict with its evidence.
 */
import type { ModelledSysctl } from "./host-model";

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

/**
 * What a client of the service speaks: the audit asks it real questions. dns (over UDP, or over TCP
 * with its two-byte length), http (TCP), ntp (UDP, NTP's 48-byte client packet), udp and tcp (any
 * service: the audit file's payload, and what a good reply contains).
 */
export const PROTOCOLS = ["dns", "http", "ntp", "udp", "tcp"] as const;
export type ServiceProtocol = (typeof PROTOCOLS)[number];

/** The transports each protocol is spoken over. */
export const PROTOCOL_TRANSPORTS: Record<ServiceProtocol, readonly ServicePort["transport"][]> = {
  dns: ["udp", "tcp"],
  http: ["tcp"],
  ntp: ["udp"],
  udp: ["udp"],
  tcp: ["tcp"],
};

/** The protocols whose request is the audit file's payload (and whose good reply contains its expect). */
export const RAW_PROTOCOLS: readonly ServiceProtocol[] = ["udp", "tcp"];

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
  /** protocol udp or tcp: the request's bytes in hex, and bytes (hex) a good reply contains (any reply when absent). */
  payload?: string;
  expect?: string;
  port: ServicePort;
  /** The command that makes the running service reload its configuration (docker exec), if any. */
  reload?: string[];
  profiles: ProfileName[];
  mustResist: ProfileName[];
  /** Sysctls of the production host that the lab models instead of this host's (lab/audit/host-model.ts). */
  hostSysctls: Record<string, string>;
  /** Lines of the audit file's keys, for errors found when the service starts ("--image" audits have none). */
  lines: Partial<Record<string, number>>;
}

/**
 * vulnerable: the kernel let the attacker in where it gets the service's traffic (or the disruption
 * lost answers). resisted: the kernel refused the attacker (or no answer was lost). inconclusive: the
 * attack or its baseline could not be established (the service did not answer well before it, the
 * attacker could not be placed, a setup call failed); never a pass. not applicable: the profile does
 * not fit the port (refused for must-resist profiles before anything starts).
 */
export type VerdictKind = "vulnerable" | "resisted" | "inconclusive" | "not applicable";

/** What a verdict rests on: the kernel's answer to the attacker's calls, or traffic that was counted. */
export type VerdictBasis = "kernel" | "traffic" | "setup";

export interface ProfileVerdict {
  profile: ProfileName;
  /** The address family the attack used, for the profiles that attack each family the service listens on. */
  family?: "v4" | "v6";
  verdict: VerdictKind;
  /** kernel: the kernel's answer to the attacker's bind/listen decided it; traffic: counted answers (restart, reload); setup: the attack could not be set up (inconclusive). */
  basis?: VerdictBasis;
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
  /** The profiles the audit must resist (the CI gate). */
  mustResist: ProfileName[];
  /** Profiles listed in must-resist that were vulnerable or inconclusive: the CI gate. */
  gateFailures: ProfileName[];
  /** The sysctls set in the service's namespace, each with where its value came from. */
  host: Record<string, ModelledSysctl>;
  /** Things the reader should know about the service's setup (e.g. it runs as root). */
  notes: string[];
}
