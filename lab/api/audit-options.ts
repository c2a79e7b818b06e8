/**
 * audit()'s options, validated and turned into the audits they describe, before anything starts.
 * `{ file }` names audit files or folders of them; `{ image, ports, … }` describes one service the way
 * an audit file does, and is checked by the audit file's own reader: the options are written as the
 * YAML of an audit file (one key a line) and read by readAudit, so both forms accept exactly the same
 * audits and build the same Audit. Every problem is collected and thrown as one LabError
 * (REUSELAB_BAD_ARGS) naming each option and its fix.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROFILES, type Audit, type ProfileName, type ServiceProtocol } from "../audit/audit";
import { loadAudits, parsePort, readAudit } from "../audit/audit-file";
import { suggestion } from "../problems";
import { LabError } from "../errors";
import { PACKAGE_ROOT } from "../package-root";

/** The audits shipped with the package (audits/*.yaml). */
export const DEFAULT_AUDITS = join(PACKAGE_ROOT, "audits");

/** How an audit is run, whichever form names it. */
export interface AuditRunOptions {
  /** Flows (distinct source ports, one question each) the client sends in each baseline and attack (1 to 1000, default 64). */
  requests?: number;
  /** Stops the audit and removes its containers and networks; audit() then rejects with LabError REUSELAB_INTERRUPTED. */
  signal?: AbortSignal;
  /** Progress, one line at a time ("dnsmasq: udp-specific-reuseaddr v4: vulnerable"). */
  log?: (line: string) => void;
}

/** Audit files (audits/*.yaml's format), or folders of them. */
export interface AuditFileOptions extends AuditRunOptions {
  file: string | readonly string[];
}

/** One service described in place, with an audit file's keys (camelCase) and the CLI's `--image` defaults. */
export interface AuditImageOptions extends AuditRunOptions {
  /** A local image (nothing is pulled), or Debian packages the lab builds an image from. */
  image: string | { packages: readonly string[] };
  /** "5353/udp", "8080/tcp", optionally with the protocol: "8080/tcp http"; each port is audited on its own. */
  ports: string | readonly string[];
  /** What the report calls it (default: the image). */
  name?: string;
  /** The service's command, word by word (default: the image's). */
  command?: readonly string[];
  /** uid[:gid], numeric (default "65534:65534"). */
  user?: string;
  capabilities?: readonly string[];
  /** Writable tmpfs mounts on the read-only root (default ["/tmp"]). */
  tmpfs?: readonly string[];
  /** What the client speaks (default: dns over udp, http over tcp). */
  protocol?: ServiceProtocol;
  /** protocol udp or tcp: the request's bytes (text, or "hex:…"), and bytes a good reply contains. */
  payload?: string;
  expect?: string;
  /** The command that reloads the running service (the reload profile). */
  reload?: readonly string[];
  /** Default: those for each port's transport, and restart. */
  profiles?: readonly ProfileName[];
  /** Profiles whose verdict must be resisted: the gate (gateFailures). */
  mustResist?: readonly ProfileName[];
  /** The production host's values of the modelled sysctls, e.g. { "net.ipv4.ip_unprivileged_port_start": 1024 }. */
  hostSysctls?: Readonly<Record<string, string | number>>;
}

export type AuditOptions = AuditFileOptions | AuditImageOptions;

/** What the audits of an `{ image }` form say they come from (a result's `file`, the start of its errors). */
export const IMAGE_FORM = "audit({ image })";

const RUN_KEYS = ["requests", "signal", "log"];
const IMAGE_KEYS = [
  "image",
  "ports",
  "name",
  "command",
  "user",
  "capabilities",
  "tmpfs",
  "protocol",
  "payload",
  "expect",
  "reload",
  "profiles",
  "mustResist",
  "hostSysctls",
];
/** The audit file's key for each option (the rest are the same word). */
const FILE_KEY: Record<string, string> = { mustResist: "must-resist", hostSysctls: "host-sysctls" };
const DEFAULT_PROTOCOL = { udp: "dns", tcp: "http" } as const;

/** The audits the options describe; throws LabError REUSELAB_BAD_ARGS (or the audit files' REUSELAB_BAD_CASES) listing every problem. */
export function auditsOf(options: AuditOptions): Audit[] {
  const problems: string[] = [];
  if (typeof options !== "object" || options === null)
    throw badOptions(["options: give { file } (audit files or folders) or { image, ports }"]);
  const o = options as unknown as Record<string, unknown>;
  checkRun(o, problems);
  if ("file" in o && "image" in o) problems.push("file, image: one form at a time: { file } or { image, ports, … }");
  else if ("file" in o) {
    for (const k of Object.keys(o).filter((k) => k !== "file" && !RUN_KEYS.includes(k)))
      problems.push(
        `${k}: not an option of the { file } form (${["file", ...RUN_KEYS].join(", ")}); the audit file says it`,
      );
    const files = typeof o.file === "string" ? [o.file] : o.file;
    if (!Array.isArray(files) || !files.length || !files.every((f) => typeof f === "string" && f))
      problems.push("file: an audit file or folder, or a non-empty list of them");
    if (problems.length) throw badOptions(problems);
    return loadAudits(auditFiles(files as string[]));
  } else if (!("image" in o))
    problems.push("image: missing; give { file } (audit files or folders) or { image, ports } (a service to audit)");
  for (const k of Object.keys(o).filter((k) => !IMAGE_KEYS.includes(k) && !RUN_KEYS.includes(k) && k !== "file"))
    problems.push(`${k}: unknown option; ${suggestion(k, [...IMAGE_KEYS, ...RUN_KEYS], "options")}`);
  if (problems.length) throw badOptions(problems);
  return imageAudits(options as AuditImageOptions);
}

/** Audit files, the files of folders (*.yaml), or the shipped audits. */
export function auditFiles(args: readonly string[]): string[] {
  const paths = args.length ? args : [DEFAULT_AUDITS];
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      return [p]; // loadAudits says it cannot be read, with the rest of the problems
    }
    if (!dir) return [p];
    const found = readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(p, f));
    if (!found.length) throw new LabError("REUSELAB_NO_CASES", `no audit files (*.yaml) in ${p}`);
    return found;
  });
}

function checkRun(o: Record<string, unknown>, problems: string[]): void {
  const r = o.requests;
  if (r !== undefined && !(Number.isInteger(r) && (r as number) >= 1 && (r as number) <= 1000))
    problems.push(`requests: a whole number from 1 to 1000, not ${String(r)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    problems.push("signal: an AbortSignal (e.g. AbortSignal.timeout(120_000))");
  if (o.log !== undefined && typeof o.log !== "function") problems.push("log: a function taking one line of progress");
}

/** The { image, ports } form: its types checked here, its meaning by the audit file's reader. */
function imageAudits(o: AuditImageOptions): Audit[] {
  const problems = typeProblems(o);
  if (problems.length) throw badOptions(problems);
  const { text, fieldOfLine } = auditFileText(o);
  const read = readAudit(IMAGE_FORM, text);
  if (read.problems.length || !read.audits)
    throw badOptions(
      read.problems.map((p) => `${fieldOfLine[p.line] ?? "options"}: ${p.message}${p.fix ? `; ${p.fix}` : ""}`),
    );
  // No lines: an error found when the service starts names the option, not a line of the text above.
  return read.audits.map((a) => ({ ...a, file: IMAGE_FORM, lines: {}, command: o.command ? [...o.command] : [] }));
}

function typeProblems(o: AuditImageOptions): string[] {
  const out: string[] = [];
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  const image = o.image as unknown;
  const packages = typeof image === "object" && image !== null ? (image as { packages?: unknown }).packages : undefined;
  const imageOk =
    (typeof image === "string" && image !== "") ||
    (packages !== undefined &&
      Object.keys(image as object).length === 1 &&
      strings(packages) &&
      (packages as string[]).length > 0);
  if (!imageOk)
    out.push(
      `image: a local image's name ("my/service:1.0", nothing is pulled) or { packages: ["dnsmasq"] } (built here from Debian bookworm)`,
    );
  const ports = typeof o.ports === "string" ? [o.ports] : o.ports;
  if (!strings(ports) || !(ports as string[]).length)
    out.push(`ports: "5353/udp", or a non-empty list like ["5353/udp", "8080/tcp http"]`);
  for (const k of ["command", "capabilities", "tmpfs", "reload", "profiles", "mustResist"] as const)
    if (o[k] !== undefined && !strings(o[k])) out.push(`${k}: a list of strings`);
  for (const k of ["name", "user", "protocol", "payload", "expect"] as const)
    if (o[k] !== undefined && (typeof o[k] !== "string" || o[k] === "")) out.push(`${k}: a non-empty string`);
  const s = o.hostSysctls as unknown;
  if (
    s !== undefined &&
    (typeof s !== "object" ||
      s === null ||
      Array.isArray(s) ||
      !Object.values(s).every((v) => typeof v === "string" || typeof v === "number"))
  )
    out.push(`hostSysctls: an object of sysctl: value, e.g. { "net.ipv4.ip_unprivileged_port_start": 1024 }`);
  return out;
}

/**
 * The audit file the options are: one key a line, each value as JSON (which YAML reads as written),
 * and the option each line came from, to name it in errors. The defaults are the CLI's --image ones.
 */
function auditFileText(o: AuditImageOptions): { text: string; fieldOfLine: Record<number, string> } {
  const lines: string[] = [];
  const fieldOfLine: Record<number, string> = {};
  const put = (field: string, value: unknown, key = FILE_KEY[field] ?? field) => {
    lines.push(`${key}: ${JSON.stringify(value)}`);
    fieldOfLine[lines.length] = field;
  };
  const ports = (typeof o.ports === "string" ? [o.ports] : [...o.ports]).map((p) => p.trim());
  const transports = ports.map((p) => parsePort(p.split(/\s+/)[0]!)?.transport);
  put("schemaVersion", 1);
  put("name", o.name ?? (typeof o.image === "string" ? o.image : o.image.packages.join("+")));
  put("image", typeof o.image === "string" ? { local: o.image } : { packages: o.image.packages });
  put("user", o.user ?? "65534:65534");
  // The image's own command when none is given; the audit file's reader needs one, audits take [] for it.
  put("command", o.command ?? ["(the image's command)"]);
  put("capabilities", o.capabilities ?? []);
  put("tmpfs", o.tmpfs ?? ["/tmp"]);
  if (ports.length === 1) {
    // One port is the file's 'port:' (the audit keeps its name); a protocol written after it wins, as in 'ports:'.
    const [port = "", named, ...rest] = ports[0]!.split(/\s+/);
    put("ports", rest.length ? ports[0] : port, "port");
    const t = transports[0];
    put("protocol", named ?? o.protocol ?? (t ? DEFAULT_PROTOCOL[t] : "dns"));
  } else {
    if (o.protocol) put("protocol", o.protocol);
    put(
      "ports",
      ports.map((p, i) =>
        o.protocol || /\s/.test(p) || !transports[i] ? p : `${p} ${DEFAULT_PROTOCOL[transports[i]]}`,
      ),
    );
  }
  for (const k of ["payload", "expect", "reload"] as const) if (o[k] !== undefined) put(k, o[k]);
  const defaultProfiles = [...PROFILES.filter((p) => transports.some((t) => t && p.startsWith(`${t}-`))), "restart"];
  put("profiles", o.profiles ?? defaultProfiles);
  if (o.mustResist) put("mustResist", o.mustResist);
  if (o.hostSysctls) put("hostSysctls", o.hostSysctls);
  return { text: `${lines.join("\n")}\n`, fieldOfLine };
}

function badOptions(problems: readonly string[]): LabError {
  return new LabError(
    "REUSELAB_BAD_ARGS",
    `audit(): ${problems.length} problem${problems.length === 1 ? "" : "s"} in its options; nothing was started:\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
}
