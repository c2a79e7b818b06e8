/** reuselab audit's action (commands/audit.ts registers the command): loaded when an audit runs. */
import { auditResults, runAuditSessions } from "../../api/audit";
import { auditFiles } from "../../api/audit-options";
import {
  PROFILES,
  PROTOCOL_TRANSPORTS,
  PROTOCOLS,
  RAW_PROTOCOLS,
  type Audit,
  type ProfileName,
  type ServiceProtocol,
} from "../../audit/audit";
import { badUser, loadAudits, parsePort, payloadHex } from "../../audit/audit-file";
import { MODELLED_SYSCTLS } from "../../audit/host-model";
import { notApplicableReason } from "../../audit/profiles/applicability";
import { LabError } from "../../errors";
import { checkReportPaths, writeReports } from "../../report/report-paths";
import { EXIT } from "../../exit-codes";
import { interruptible } from "../../interruption";
import type { ExitSink } from "../options";
import type { AuditOptions } from "./audit";

export async function auditAction(files: string[], o: AuditOptions, exit: ExitSink): Promise<void> {
  const inputs = o.image ? [] : auditFiles(files);
  const audits = o.image ? quickAudits(o, files) : loadAudits(inputs);
  const reports = [
    ...(o.json ? [{ option: "--json", file: o.json }] : []),
    ...(o.html ? [{ option: "--html", file: o.html }] : []),
  ];
  checkReportPaths(
    reports,
    inputs.map((file) => ({ file, what: "an audit file this command reads" })),
  );
  // The report code loads here, not for --help (the engine loads in runAuditSessions).
  const [{ formatAudits }, { formatStability, stability }, { auditPage }, { wantsColor }] = await Promise.all([
    import("../../audit/audit-report"),
    import("../../audit/audit-stability"),
    import("../../report/html/audit-page"),
    import("../../terminal"),
  ]);
  using interrupt = interruptible("reuselab: interrupted; removing the audit's containers and networks");
  try {
    // The library's audit() runs the same sessions (lab/api/audit.ts).
    const log = (l: string, i: number) =>
      process.stderr.write(`reuselab audit${o.repeat > 1 ? ` [${i + 1}/${o.repeat}]` : ""}: ${l}\n`);
    const repetitions = await runAuditSessions(audits, {
      repeat: o.repeat,
      requests: o.requests,
      signal: interrupt.signal,
      log,
    });
    const results = repetitions[repetitions.length - 1]!;
    process.stdout.write(formatAudits(results, wantsColor(process.stdout)));
    const rows = stability(repetitions);
    if (o.repeat > 1) process.stdout.write(`\n${formatStability(rows, wantsColor(process.stdout))}`);
    const texts: Record<string, () => string> = {
      "--json": () => `${JSON.stringify(auditResults(results), null, 2)}\n`,
      "--html": () => auditPage(results),
    };
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
  if (nowhere.length)
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `--must-resist ${nowhere.join(", ")}: runs on none of the ports (${ports.join(", ")}) among the profiles run; drop it from --must-resist`,
    );
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
  if (!(PROTOCOLS as readonly string[]).includes(protocol))
    throw bad(`--protocol ${protocol}: one of ${PROTOCOLS.join(", ")}`);
  if (!PROTOCOL_TRANSPORTS[protocol].includes(port.transport))
    throw bad(`--protocol ${protocol} is not spoken over ${port.transport} (--port ${portText})`);
  const payload = o.payload === undefined ? undefined : payloadHex(o.payload);
  const expect = o.expect === undefined ? undefined : payloadHex(o.expect);
  if ((o.payload !== undefined && !payload) || (o.expect !== undefined && !expect))
    throw bad("--payload/--expect: text, or 'hex:' and pairs of hex digits, 1 to 256 bytes");
  if (RAW_PROTOCOLS.includes(protocol) && !payload)
    throw bad(`--protocol ${protocol} needs --payload (the request's bytes)`);
  if (!RAW_PROTOCOLS.includes(protocol) && (payload || expect))
    throw bad("--payload and --expect are for --protocol udp or tcp");
  const profiles: ProfileName[] = o.profiles ?? [
    ...PROFILES.filter((p) => p.startsWith(`${port.transport}-`)),
    "restart",
  ];
  const mustResist = o.mustResist ?? [];
  const missing = mustResist.filter((p) => !profiles.includes(p));
  if (missing.length)
    throw bad(`--must-resist ${missing.join(", ")}: not among the profiles run (${profiles.join(", ")})`);
  if (profiles.includes("reload")) throw bad("the reload profile needs an audit file (its reload command)");
  // A must-resist profile that cannot run on this port would pass the gate without any attack.
  const cannot = mustResist.map((p) => notApplicableReason(p, { port, protocol })).filter(Boolean);
  if (cannot.length) throw bad(`--must-resist: ${cannot.join("; ")}; drop it from --must-resist`);
  if (o.command !== undefined && o.arg.length)
    throw bad("--command and --arg both give the service's command: use one");
  const command = o.arg.length ? o.arg : commandWords(o.command);
  const badCap = o.cap.find((c) => !/^[A-Z_]+$/.test(c));
  if (badCap) throw bad(`--cap ${badCap}: a capability name like NET_BIND_SERVICE`);
  const badTmpfs = o.tmpfs.find((p) => !p.startsWith("/"));
  if (badTmpfs) throw bad(`--tmpfs ${badTmpfs}: an absolute path`);
  const hostSysctls: Record<string, string> = {};
  for (const kv of o.sysctl) {
    const [name, value] = kv.split("=", 2) as [string, string | undefined];
    if (!(MODELLED_SYSCTLS as readonly string[]).includes(name) || value === undefined || !/^\d{1,5}$/.test(value))
      throw bad(`--sysctl ${kv}: NAME=NUMBER, NAME one of ${MODELLED_SYSCTLS.join(", ")}`);
    hostSysctls[name] = value;
  }
  const tmpfs = o.tmpfs.length ? o.tmpfs : ["/tmp"];
  return {
    file: "--image",
    name: o.image!,
    image: { kind: "local", image: o.image! },
    command,
    user: o.user,
    capabilities: o.cap,
    tmpfs,
    protocol,
    port,
    profiles,
    mustResist,
    hostSysctls,
    lines: {},
    ...(payload ? { payload } : {}),
    ...(expect ? { expect } : {}),
  };
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
  if (!Array.isArray(words) || !words.length || !words.every((w) => typeof w === "string"))
    throw new LabError("REUSELAB_BAD_ARGS", `--command ${text}: a JSON array of strings, e.g. ["sh", "-c", "exec x"]`);
  return words as string[];
}
