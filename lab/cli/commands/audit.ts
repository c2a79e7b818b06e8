/**
 * reuselab audit: attacks real services in the lab and says whether another user of the host can take
 * their traffic, and whether a restart or reload drops connections (lab/audit). Audit files
 * (audits/*.yaml by default), or a quick audit of any local image with --image and --port.
 * Exit 0 when every must-resist profile was resisted, 1 when one was vulnerable or inconclusive (the CI gate)
 * or, with --repeat, when a verdict changed between repetitions,
 * 2 on bad input or environment, 130 on Ctrl-C.
 */
import { InvalidArgumentError, type Command } from "commander";
import { auditResults, runAuditSessions } from "../../api/audit";
import { auditFiles } from "../../api/audit-options";
import { PROFILES, PROTOCOL_TRANSPORTS, PROTOCOLS, RAW_PROTOCOLS, type Audit, type ProfileName, type ServiceProtocol } from "../../audit/audit";
import { badUser, loadAudits, parsePort, payloadHex } from "../../audit/audit-file";
import { MODELLED_SYSCTLS } from "../../audit/host-model";
import { notApplicableReason } from "../../audit/profiles/applicability";
import { LabError } from "../../errors";
import { checkReportPaths, writeReports } from "../../report/report-paths";
import { EXIT } from "../exit-codes";
import { interruptible } from "../interruptible";
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
  const names = v.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(PROFILES as readonly string[]).includes(n));
  if (bad.length) throw new InvalidArgumentError(`${flag}: unknown profile ${bad.join(", ")} (known: ${PROFILES.join(", ")})`);
  return names as ProfileName[];
};

export function auditCommand(parent: Command, exit: ExitSink): void {
  parent
    .command("audit")
    .summary("attack real services in the lab: can another user steal their traffic, does a restart drop it")
    .description("runs audit files (default: audits/*.yaml), or a quick audit of a local image (--image, --port); exit 1 when a must-resist profile is vulnerable or inconclusive")
    .argument("[files...]", "audit files or folders of them")
    .option("--image <image>", "quick audit: a local image (nothing is pulled)")
    .option("--port <port/proto>", "quick audit: the service's port, e.g. 53/udp or 8080/tcp (repeatable: each port is audited on its own, with the profiles that fit it)", collect, [])
    .option("--command <words|json>", "quick audit: the service's command, split on spaces, or a JSON array of words (default: the image's)")
    .option("--arg <word>", "quick audit: one word of the service's command, as is (repeat it: --arg sh --arg -c --arg 'exec x'); instead of --command", collect, [])
    .option("--tmpfs <path>", "quick audit: a writable tmpfs on the read-only root (repeatable; default /tmp)", collect, [])
    .option("--cap <name>", "quick audit: a capability the service keeps, e.g. NET_BIND_SERVICE (repeatable; default none)", collect, [])
    .option("--sysctl <name=value>", "quick audit: the production host's value of a modelled sysctl, e.g. net.ipv4.ip_unprivileged_port_start=1024 (repeatable; default this host's)", collect, [])
    .option("--user <uid[:gid]>", "quick audit: the uid the service runs as", "65534:65534")
    .option("--protocol <dns|http|ntp|udp|tcp>", "quick audit: what the client asks (default: dns for udp, http for tcp)")
    .option("--payload <text|hex:…>", "quick audit, --protocol udp or tcp: the request's bytes")
    .option("--expect <text|hex:…>", "quick audit, --protocol udp or tcp: bytes a good reply contains (default: any reply)")
    .option("--profiles <list>", `quick audit: profiles to run, comma-separated (default: those for the port's transport; known: ${PROFILES.join(", ")})`, profileList("--profiles"))
    .option("--must-resist <list>", "quick audit: profiles whose vulnerability fails the run (exit 1)", profileList("--must-resist"))
    .option("--requests <n>", "flows (distinct source ports, one question each) the client sends in each baseline and attack", wholeNumber("--requests", 1, 1000), 64)
    .option("--repeat <n>", "run the audits N times and report every verdict that changed (exit 1 if one did)", wholeNumber("--repeat", 1, 100), 1)
    .option("--json <file>", "also write the verdicts as JSON ({schema: 1, audit: [...]}; with --repeat, the last repetition's)")
    .option("--html <file>", "also write the verdicts as one self-contained HTML page")
    .action(async (files: string[], o: AuditOptions) => {
      const inputs = o.image ? [] : auditFiles(files);
      const audits = o.image ? quickAudits(o, files) : loadAudits(inputs);
      const reports = [
        ...(o.json ? [{ option: "--json", file: o.json }] : []),
        ...(o.html ? [{ option: "--html", file: o.html }] : []),
      ];
      checkReportPaths(reports, inputs.map((file) => ({ file, what: "an audit file this command reads" })));
      // The report code loads here, not for --help (the engine loads in runAuditSessions).
      const [{ formatAudits }, { formatStability, stability }, { auditPage }, { wantsColor }] = await Promise.all([
        import("../../audit/audit-report"),
        import("../../audit/audit-stability"),
        import("../../report/html/audit-page"),
        import("../../report/terminal"),
      ]);
      using interrupt = interruptible("reuselab: interrupted; removing the audit's containers and networks");
      try {
        // The library's audit() runs the same sessions (lab/api/audit.ts).
        const log = (l: string, i: number) => process.stderr.write(`reuselab audit${o.repeat > 1 ? ` [${i + 1}/${o.repeat}]` : ""}: ${l}\n`);
        const repetitions = await runAuditSessions(audits, { repeat: o.repeat, requests: o.requests, signal: interrupt.signal, log });
        const results = repetitions[repetitions.length - 1]!;
        process.stdout.write(formatAudits(results, wantsColor(process.stdout)));
        const rows = stability(repetitions);
        if (o.repeat > 1) process.stdout.write(`\n${formatStability(rows, wantsColor(process.stdout))}`);
        const texts: Record<string, () => string> = { "--json": () => `${JSON.stringify(auditResults(results), null, 2)}\n`, "--html": () => auditPage(results) };
        const unwritten = writeReports(reports.map((r) => ({ ...r, text: texts[r.option]! })));
        for (const line of unwritten) process.stderr.write(`reuselab: ${line}\n`);
        const gateFailed = repetitions.some((rep) => rep.some((r) => r.gateFailures.length));
        // A gate that passed without its report is no pass: CI would read a file that is not there.
        exit(gateFailed || rows.some((r) => r.changed) ? EXIT.failed : unwritten.length ? EXIT.badInput : EXIT.passed);
      } catch (e) {
        if (!interrupt.signal.aborted && !(e instanceof LabError && e.code === "REUSELAB_INTERRUPTED")) throw e;
        process.stderr.write(`reuselab: the audit was interrupted\n`);
        exit(EXIT.interrupted);
      }
    });
}

/** The audits --image and its options describe: one per --port; with several, each port's profiles are those that fit it. */
export function quickAudits(o: AuditOptions, files: readonly string[]): Audit[] {
  const ports = typeof o.port === "string" ? [o.port] : (o.port ?? []);
  if (ports.length <= 1) return [quickAudit({ ...o, port: ports[0] }, files)];
  const audits = ports.map((port) => {
    const one = quickAudit({ ...o, port, profiles: undefined, mustResist: undefined }, files);
    const profiles = o.profiles ? o.profiles.filter((p) => !notApplicableReason(p, one)) : one.profiles;
    const mustResist = (o.mustResist ?? []).filter((p) => profiles.includes(p));
    return { ...one, name: `${one.name} ${port}`, profiles, mustResist };
  });
  // A must-resist profile that runs on no port would pass the gate without any attack.
  const nowhere = (o.mustResist ?? []).filter((p) => !audits.some((a) => a.mustResist.includes(p)));
  if (nowhere.length) throw new LabError("REUSELAB_BAD_ARGS", `--must-resist ${nowhere.join(", ")}: runs on none of the ports (${ports.join(", ")}) among the profiles run; drop it from --must-resist`);
  return audits;
}

/** The audit --image and its options describe for one port (exported for its tests). */
export function quickAudit(o: AuditOptions, files: readonly string[]): Audit {
  const bad = (m: string) => new LabError("REUSELAB_BAD_ARGS", m);
  if (files.length) throw bad("--image audits one image: give either audit files or --image, not both");
  const portText = Array.isArray(o.port) ? o.port[0] : o.port;
  const port = portText ? parsePort(portText) : undefined;
  if (!port) throw bad(`--image needs --port PORT/udp or PORT/tcp${portText ? `, not '${portText}'` : ""}`);
  const userProblem = badUser(o.user);
  if (userProblem) throw bad(`--user: ${userProblem}`);
  const protocol = (o.protocol ?? (port.transport === "udp" ? "dns" : "http")) as ServiceProtocol;
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw bad(`--protocol ${protocol}: one of ${PROTOCOLS.join(", ")}`);
  if (!PROTOCOL_TRANSPORTS[protocol].includes(port.transport)) throw bad(`--protocol ${protocol} is not spoken over ${port.transport} (--port ${portText})`);
  const payload = o.payload === undefined ? undefined : payloadHex(o.payload);
  const expect = o.expect === undefined ? undefined : payloadHex(o.expect);
  if ((o.payload !== undefined && !payload) || (o.expect !== undefined && !expect)) throw bad("--payload/--expect: text, or 'hex:' and pairs of hex digits, 1 to 256 bytes");
  if (RAW_PROTOCOLS.includes(protocol) && !payload) throw bad(`--protocol ${protocol} needs --payload (the request's bytes)`);
  if (!RAW_PROTOCOLS.includes(protocol) && (payload || expect)) throw bad("--payload and --expect are for --protocol udp or tcp");
  const profiles: ProfileName[] = o.profiles ?? [...PROFILES.filter((p) => p.startsWith(`${port.transport}-`)), "restart"];
  const mustResist = o.mustResist ?? [];
  const missing = mustResist.filter((p) => !profiles.includes(p));
  if (missing.length) throw bad(`--must-resist ${missing.join(", ")}: not among the profiles run (${profiles.join(", ")})`);
  if (profiles.includes("reload")) throw bad("the reload profile needs an audit file (its reload command)");
  // A must-resist profile that cannot run on this port would pass the gate without any attack.
  const cannot = mustResist.map((p) => notApplicableReason(p, { port, protocol })).filter(Boolean);
  if (cannot.length) throw bad(`--must-resist: ${cannot.join("; ")}; drop it from --must-resist`);
  if (o.command !== undefined && o.arg.length) throw bad("--command and --arg both give the service's command: use one");
  const command = o.arg.length ? o.arg : commandWords(o.command);
  const badCap = o.cap.find((c) => !/^[A-Z_]+$/.test(c));
  if (badCap) throw bad(`--cap ${badCap}: a capability name like NET_BIND_SERVICE`);
  const badTmpfs = o.tmpfs.find((p) => !p.startsWith("/"));
  if (badTmpfs) throw bad(`--tmpfs ${badTmpfs}: an absolute path`);
  const hostSysctls: Record<string, string> = {};
  for (const kv of o.sysctl) {
    const [name, value] = kv.split("=", 2) as [string, string | undefined];
    if (!(MODELLED_SYSCTLS as readonly string[]).includes(name) || value === undefined || !/^\d{1,5}$/.test(value)) throw bad(`--sysctl ${kv}: NAME=NUMBER, NAME one of ${MODELLED_SYSCTLS.join(", ")}`);
    hostSysctls[name] = value;
  }
  const tmpfs = o.tmpfs.length ? o.tmpfs : ["/tmp"];
  return { file: "--image", name: o.image!, image: { kind: "local", image: o.image! }, command, user: o.user, capabilities: o.cap, tmpfs, protocol, port, profiles, mustResist, hostSysctls, lines: {}, ...(payload ? { payload } : {}), ...(expect ? { expect } : {}) };
}

/** --command: a JSON array of words as given, or words split on spaces. */
function commandWords(text: string | undefined): string[] {
  if (text === undefined) return [];
  if (!text.trimStart().startsWith("[")) return text.split(/\s+/).filter(Boolean);
  let words: unknown;
  try {
    words = JSON.parse(text);
  } catch (e) {
    throw new LabError("REUSELAB_BAD_ARGS", `--command ${text}: not a JSON array (${(e as Error).message})`);
  }
  if (!Array.isArray(words) || !words.length || !words.every((w) => typeof w === "string")) throw new LabError("REUSELAB_BAD_ARGS", `--command ${text}: a JSON array of strings, e.g. ["sh", "-c", "exec x"]`);
  return words as string[];
}
