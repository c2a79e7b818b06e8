/**
 * reuselab audit: attacks real services in the lab and says whether another user of the host can take
 * their traffic, and whether a restart or reload drops connections (lab/audit). Audit files
 * (audits/*.yaml by default), or a quick audit of any local image with --image and --port.
 * Exit 0 when every must-resist profile was resisted, 1 when one was vulnerable or inconclusive (the CI gate)
 * or, with --repeat, when a verdict changed between repetitions,
 * 2 on bad input or environment, 130 on Ctrl-C.
 */
import { InvalidArgumentError, type Command } from "commander";
import { PROFILES, type ProfileName } from "../../audit/audit";
import { wholeNumber, type ExitSink } from "../options";

export interface AuditOptions {
  image?: string;
  port?: string | string[];
  command?: string;
  arg: string[];
  tmpfs: string[];
  cap: string[];
  sysctl: string[];
  user: string;
  protocol?: string;
  payload?: string;
  expect?: string;
  profiles?: ProfileName[];
  mustResist?: ProfileName[];
  json?: string;
  html?: string;
  requests: number;
  repeat: number;
}

const collect = (v: string, all: string[]) => [...all, v];

const profileList = (flag: string) => (v: string) => {
  const names = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(PROFILES as readonly string[]).includes(n));
  if (bad.length)
    throw new InvalidArgumentError(`${flag}: unknown profile ${bad.join(", ")} (known: ${PROFILES.join(", ")})`);
  return names as ProfileName[];
};

export function auditCommand(parent: Command, exit: ExitSink): void {
  parent
    .command("audit")
    .summary("attack real services in the lab: can another user steal their traffic, does a restart drop it")
    .description(
      "runs audit files (default: audits/*.yaml), or a quick audit of a local image (--image, --port); exit 1 when a must-resist profile is vulnerable or inconclusive",
    )
    .argument("[files...]", "audit files or folders of them")
    .option("--image <image>", "quick audit: a local image (nothing is pulled)")
    .option(
      "--port <port/proto>",
      "quick audit: the service's port, e.g. 53/udp or 8080/tcp (repeatable: each port is audited on its own, with the profiles that fit it)",
      collect,
      [],
    )
    .option(
      "--command <words|json>",
      "quick audit: the service's command, split on spaces, or a JSON array of words (default: the image's)",
    )
    .option(
      "--arg <word>",
      "quick audit: one word of the service's command, as is (repeat it: --arg sh --arg -c --arg 'exec x'); instead of --command",
      collect,
      [],
    )
    .option(
      "--tmpfs <path>",
      "quick audit: a writable tmpfs on the read-only root (repeatable; default /tmp)",
      collect,
      [],
    )
    .option(
      "--cap <name>",
      "quick audit: a capability the service keeps, e.g. NET_BIND_SERVICE (repeatable; default none)",
      collect,
      [],
    )
    .option(
      "--sysctl <name=value>",
      "quick audit: the production host's value of a modelled sysctl, e.g. net.ipv4.ip_unprivileged_port_start=1024 (repeatable; default this host's)",
      collect,
      [],
    )
    .option("--user <uid[:gid]>", "quick audit: the uid the service runs as", "65534:65534")
    .option(
      "--protocol <dns|http|ntp|udp|tcp>",
      "quick audit: what the client asks (default: dns for udp, http for tcp)",
    )
    .option("--payload <text|hex:…>", "quick audit, --protocol udp or tcp: the request's bytes")
    .option(
      "--expect <text|hex:…>",
      "quick audit, --protocol udp or tcp: bytes a good reply contains (default: any reply)",
    )
    .option(
      "--profiles <list>",
      `quick audit: profiles to run, comma-separated (default: those for the port's transport; known: ${PROFILES.join(", ")})`,
      profileList("--profiles"),
    )
    .option(
      "--must-resist <list>",
      "quick audit: profiles whose vulnerability fails the run (exit 1)",
      profileList("--must-resist"),
    )
    .option(
      "--requests <n>",
      "flows (distinct source ports, one question each) the client sends in each baseline and attack",
      wholeNumber("--requests", 1, 1000),
      64,
    )
    .option(
      "--repeat <n>",
      "run the audits N times and report every verdict that changed (exit 1 if one did)",
      wholeNumber("--repeat", 1, 100),
      1,
    )
    .option(
      "--json <file>",
      "also write the verdicts as JSON ({schema: 1, audit: [...]}; with --repeat, the last repetition's)",
    )
    .option("--html <file>", "also write the verdicts as one self-contained HTML page")
    // The audit's code (the audit files' reader, the engine, the reports) loads when it runs, not for every command.
    .action(async (files: string[], o: AuditOptions) => (await import("./audit-action")).auditAction(files, o, exit));
}
