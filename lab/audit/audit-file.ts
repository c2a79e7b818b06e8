/**
 * Audit files (audits/*.yaml), read with their lines and validated whole before any container starts:
 * every problem is collected and reported as file:line.
 *
 *   schemaVersion: 1
 *   name: dnsmasq
 *   image: { packages: [dnsmasq, nginx] }     # or  image: { local: my/image:tag }
 *   user: "65534:65534"
 *   command: [dnsmasq, --keep-in-foreground, --port=5353]
 *   protocol: dns                              # dns | http | ntp | udp | tcp
 *   payload: "hex:0a0b" or "text"              # protocol udp or tcp: the request's bytes
 *   expect: "PONG"                             # protocol udp or tcp: bytes a good reply contains (any reply if absent)
 *   port: 5353/udp
 *   ports: [5353/udp, 8080/tcp http]          # instead of port: several, each with its protocol if not 'protocol:'
 *   profiles: [udp-specific-reuseaddr, …]
 *   must-resist: [udp-reuseport-other-uid]
 *   host-sysctls: { net.ipv4.ip_unprivileged_port_start: 1024 }   # the production host's, if not this host's
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { CaseProblemsError, formatProblem, suggestion, type Problem } from "../problems";
import { YamlFile } from "../case/yaml-file";
import { MODELLED_SYSCTLS } from "./host-model";
import { notApplicableReason } from "./profiles/applicability";
import {
  PROFILES,
  PROTOCOL_TRANSPORTS,
  PROTOCOLS,
  RAW_PROTOCOLS,
  type Audit,
  type ProfileName,
  type ServiceImageSpec,
  type ServicePort,
  type ServiceProtocol,
} from "./audit";

const KEYS = [
  "schemaVersion",
  "name",
  "image",
  "user",
  "command",
  "capabilities",
  "tmpfs",
  "protocol",
  "port",
  "reload",
  "profiles",
  "must-resist",
  "host-sysctls",
  "payload",
  "expect",
  "ports",
];
/** The highest uid a process can have: (uid_t)-1 means "no uid" to the kernel (setresuid, chown). */
export const UID_MAX = 4294967294;

/** Every problem of every audit file, found before anything starts. */
export class AuditProblemsError extends CaseProblemsError {
  constructor(problems: readonly Problem[]) {
    super(problems);
    const files = new Set(problems.map((p) => p.file)).size;
    this.message =
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the audit file${files === 1 ? "" : "s"}; nothing was started:\n` +
      problems.map((p) => `  ${formatProblem(p)}`).join("\n");
  }
}

/** Why a user[:gid] is not one the lab can run a service as, or undefined. */
export function badUser(user: string): string | undefined {
  if (!/^\d+(:\d+)?$/.test(user)) return `user '${user}' must be a numeric uid or uid:gid`;
  const big = user.split(":").find((n) => Number(n) > UID_MAX);
  return big
    ? `user '${user}': ${big} is above the highest uid or gid, ${UID_MAX} (${UID_MAX + 1} is (uid_t)-1, "no uid")`
    : undefined;
}
const REQUIRED = ["schemaVersion", "name", "image", "user", "command", "profiles"];
/** Debian package names: what debootstrap --include accepts, and nothing a shell could misread. */
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const CAPABILITY = /^[A-Z_]+$/;

/** Parses a port as the CLI and audit files write it: "5353/udp", "8080/tcp". */
export function parsePort(text: string): ServicePort | undefined {
  const m = /^(\d{1,5})\/(udp|tcp)$/.exec(text);
  const port = m ? Number(m[1]) : 0;
  return m && port >= 1 && port <= 65535 ? { port, transport: m[2] as "udp" | "tcp" } : undefined;
}

/** Reads and validates audit files; throws CaseProblemsError listing every problem of every file. */
export function loadAudits(files: readonly string[]): Audit[] {
  const problems: Problem[] = [];
  const audits: Audit[] = [];
  for (const file of files) {
    const r = readAudit(file);
    problems.push(...r.problems);
    if (r.audits) audits.push(...r.audits);
  }
  if (problems.length) throw new AuditProblemsError(problems);
  return audits;
}

/** One audit file: its audit (the first port's) and, with 'ports:', one audit per port. */
export function readAudit(file: string, text?: string): { audit?: Audit; audits?: Audit[]; problems: Problem[] } {
  const y = new YamlFile(file, text);
  if (!y.problems.length && !isMap(y.doc.contents)) {
    y.problem(
      y.doc.contents as Node | null,
      "an audit file is a YAML mapping of 'key: value' lines",
      `start with 'schemaVersion: 1', then ${REQUIRED.slice(1).join(", ")}`,
    );
  }
  const root = y.problems.length ? null : y.root();
  if (!root) return { problems: y.problems };
  const get = (key: string): Node | undefined => (root.get(key, true) as Node | undefined) ?? undefined;

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!KEYS.includes(key)) y.problem(pair.key as Node, `unknown key '${key}'`, suggestion(key, KEYS, "keys"));
  }
  for (const key of REQUIRED)
    if (!root.has(key))
      y.problem(
        root,
        `'${key}' is missing`,
        `add '${key}:' (an audit needs ${REQUIRED.join(", ")}, port or ports, and a protocol)`,
      );
  if (!root.has("protocol") && !root.has("ports"))
    y.problem(root, "'protocol' is missing", "add 'protocol:' (dns, http, ntp or udp)");

  const schema = get("schemaVersion");
  if (schema && !(isScalar(schema) && schema.value === 1))
    y.problem(schema, "schemaVersion must be 1", "write 'schemaVersion: 1'");

  const str = (key: string): string | undefined => {
    const n = get(key);
    if (!n) return undefined;
    if (isScalar(n) && (typeof n.value === "string" || typeof n.value === "number") && String(n.value) !== "")
      return String(n.value);
    y.problem(n, `'${key}' must be a single value`);
    return undefined;
  };
  const list = (key: string, check: (s: string) => string | undefined): string[] | undefined => {
    const n = get(key);
    if (!n) return undefined;
    if (!isSeq(n)) {
      y.problem(n, `'${key}' must be a list, e.g. [a, b]`);
      return undefined;
    }
    const out: string[] = [];
    for (const item of n.items) {
      if (!isScalar(item) || (typeof item.value !== "string" && typeof item.value !== "number")) {
        y.problem(item as Node, `each item of '${key}' must be a single value`);
        continue;
      }
      const why = check(String(item.value));
      if (why) y.problem(item, why);
      else out.push(String(item.value));
    }
    return out;
  };
  const anyWord = (s: string) => (s === "" ? "an empty word" : undefined);
  const profileName = (s: string) =>
    (PROFILES as readonly string[]).includes(s)
      ? undefined
      : `unknown profile '${s}'; ${suggestion(s, PROFILES, "profiles")}`;

  const name = str("name");
  const user = str("user");
  const userProblem = user === undefined ? undefined : badUser(user);
  if (userProblem)
    y.problem(
      get("user"),
      userProblem,
      "numbers only (0 to 4294967294): the attacker of the other-uid profiles must be a different uid, which a name could hide",
    );
  const command = list("command", anyWord);
  if (command && command.length === 0)
    y.problem(get("command"), "'command' is empty", "name the service's program and its arguments");
  const capabilities =
    list("capabilities", (s) =>
      CAPABILITY.test(s) ? undefined : `capability '${s}' must be written like NET_BIND_SERVICE`,
    ) ?? [];
  const tmpfs = list("tmpfs", (s) => (s.startsWith("/") ? undefined : `tmpfs '${s}' must be an absolute path`)) ?? [];
  const reload = list("reload", anyWord);
  const protocol = str("protocol");
  if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol))
    y.problem(get("protocol"), `unknown protocol '${protocol}'`, suggestion(protocol, PROTOCOLS, "protocols"));
  const payload = bytes(y, get("payload"), "payload");
  const expect = bytes(y, get("expect"), "expect");
  const raw = (p: string | undefined) => (RAW_PROTOCOLS as readonly (string | undefined)[]).includes(p);
  if (raw(protocol) && !get("payload") && !get("ports"))
    y.problem(
      get("protocol"),
      `protocol ${protocol} needs 'payload:' (the request's bytes)`,
      `e.g. payload: "hex:0a0b0c" or payload: "status\\n"`,
    );
  if (!raw(protocol) && !get("ports"))
    for (const key of ["payload", "expect"])
      if (get(key))
        y.problem(
          get(key),
          `'${key}' is for protocols udp and tcp only`,
          `drop it, or write 'protocol: udp' or 'protocol: tcp'`,
        );
  const targets = readPorts(y, get("port"), get("ports"), protocol, root);
  const profiles = list("profiles", profileName) as ProfileName[] | undefined;
  const mustResist = (list("must-resist", profileName) ?? []) as ProfileName[];
  const mustNode = get("must-resist");
  for (const p of mustResist)
    if (profiles && !profiles.includes(p))
      y.problem(mustNode, `must-resist names '${p}', which is not in profiles`, `add it to profiles, or drop it here`);
  if (targets.length && targets.every((t) => t.protocol)) {
    for (const item of isSeq(mustNode) ? mustNode.items : []) {
      const p = isScalar(item) ? (String(item.value) as ProfileName) : undefined;
      if (!p || !(PROFILES as readonly string[]).includes(p)) continue;
      const whys = targets.map((t) => notApplicableReason(p, { port: t.port, protocol: t.protocol!, reload }));
      if (whys.every(Boolean))
        y.problem(
          item as Node,
          `must-resist names '${p}', which cannot run here: ${whys.join("; ")}`,
          "a must-resist profile that cannot run would pass the gate without an attack: drop it from must-resist",
        );
    }
  }
  if (profiles?.includes("reload") && !reload)
    y.problem(
      get("profiles"),
      "the reload profile needs 'reload:' (the command that reloads the service)",
      "e.g. reload: [nginx, -s, reload]",
    );
  const image = readImage(y, get("image"));
  const hostSysctls = readSysctls(y, get("host-sysctls"));
  const lines: Record<string, number> = {};
  for (const key of KEYS) {
    const n = get(key);
    if (n?.range) lines[key] = y.lineOf(n);
  }

  if (y.problems.length || !name || !user || !command || !targets.length || !profiles || !image)
    return { problems: y.problems };
  if (get("ports")) lines.port = lines.ports!;
  const audits = targets.map((t): Audit => {
    // Each port is audited on its own; profiles that cannot run on it are left out there (checked above: a must-resist one runs on some port).
    const fits = (p: ProfileName) => !notApplicableReason(p, { port: t.port, protocol: t.protocol!, reload });
    const named = get("ports") ? `${name} ${t.port.port}/${t.port.transport}` : name;
    return {
      file,
      name: named,
      image,
      command,
      user,
      capabilities,
      tmpfs,
      protocol: t.protocol!,
      port: t.port,
      ...(reload ? { reload } : {}),
      profiles: get("ports") ? profiles.filter(fits) : profiles,
      mustResist: get("ports") ? mustResist.filter(fits) : mustResist,
      hostSysctls,
      lines,
      ...(payload && raw(t.protocol) ? { payload } : {}),
      ...(expect && raw(t.protocol) ? { expect } : {}),
    };
  });
  return { problems: [], audit: audits[0]!, audits };
}

interface PortTarget {
  port: ServicePort;
  protocol?: ServiceProtocol;
}

/** port: P/T, or ports: [P/T, "P/T PROTOCOL", …]; each with a protocol whose transport fits it. */
function readPorts(
  y: YamlFile,
  one: Node | undefined,
  many: Node | undefined,
  protocol: string | undefined,
  root: YAMLMap,
): PortTarget[] {
  if (one && many) {
    y.problem(many, "both 'port' and 'ports'", "keep one: 'port: 53/udp' or 'ports: [53/udp, 8080/tcp http]'");
    return [];
  }
  if (!one && !many) {
    y.problem(root, "'port' is missing", "add 'port: 5353/udp' (or 'ports: [5353/udp, 8080/tcp http]')");
    return [];
  }
  const items = one ? [one] : isSeq(many) && many.items.length ? (many.items as Node[]) : [];
  if (!items.length) y.problem(many, "'ports' must be a non-empty list, e.g. [53/udp, 8080/tcp http]");
  const out: PortTarget[] = [];
  for (const item of items) {
    const text = isScalar(item) ? String(item.value) : "";
    const [portText = "", proto, extra] = text.trim().split(/\s+/);
    const port = parsePort(portText);
    const p = proto ?? protocol;
    if (!port || extra) {
      y.problem(
        item,
        `port '${text}' must be PORT/udp or PORT/tcp (1 to 65535)${one ? "" : ", optionally followed by its protocol"}`,
      );
      continue;
    }
    if (proto !== undefined && !(PROTOCOLS as readonly string[]).includes(proto)) {
      y.problem(item, `unknown protocol '${proto}'`, suggestion(proto, PROTOCOLS, "protocols"));
      continue;
    }
    if (p === undefined) {
      if (many)
        y.problem(
          item,
          `port ${portText} has no protocol`,
          "add 'protocol:', or write it after the port: '53/udp dns'",
        );
      continue;
    }
    if (!(PROTOCOLS as readonly string[]).includes(p)) continue; // reported at 'protocol:'
    const wants = PROTOCOL_TRANSPORTS[p as ServiceProtocol];
    if (!wants.includes(port.transport)) {
      y.problem(
        item,
        `protocol ${p} is spoken over ${wants.join(" or ")}; the port is ${portText}`,
        `write '${port.port}/${wants[0]}', or the protocol the service speaks on ${portText}`,
      );
      continue;
    }
    if (out.some((t) => t.port.port === port.port && t.port.transport === port.transport)) {
      y.problem(item, `port ${portText} is listed twice`);
      continue;
    }
    out.push({ port, protocol: p as ServiceProtocol });
  }
  return out;
}

function readImage(y: YamlFile, n: Node | undefined): ServiceImageSpec | undefined {
  if (!n) return undefined;
  const how =
    "write 'image: { packages: [dnsmasq] }' (built here from Debian bookworm) or 'image: { local: NAME:TAG }' (an image already on this engine)";
  if (!isMap(n) || n.items.length !== 1) {
    y.problem(n, "'image' must be a mapping with one key, packages or local", how);
    return undefined;
  }
  const m = n as YAMLMap;
  const packages = m.get("packages", true) as Node | undefined;
  const local = m.get("local", true) as Node | undefined;
  if (packages) {
    if (!isSeq(packages) || packages.items.length === 0) {
      y.problem(packages, "'image.packages' must be a non-empty list of Debian packages", how);
      return undefined;
    }
    const names: string[] = [];
    for (const item of packages.items) {
      const v = isScalar(item) ? String(item.value) : "";
      if (PACKAGE.test(v)) names.push(v);
      else y.problem(item as Node, `'${v}' is not a Debian package name`, "lower-case letters, digits, + - and .");
    }
    return names.length === packages.items.length ? { kind: "packages", packages: names } : undefined;
  }
  if (local && isScalar(local) && typeof local.value === "string" && local.value)
    return { kind: "local", image: local.value };
  y.problem(local ?? n, "'image' must be { packages: [...] } or { local: NAME:TAG }", how);
  return undefined;
}

function readSysctls(y: YamlFile, n: Node | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!n) return out;
  if (!isMap(n)) {
    y.problem(
      n,
      "'host-sysctls' must be a mapping of sysctl: value",
      "e.g. host-sysctls: { net.ipv4.ip_unprivileged_port_start: 1024 }",
    );
    return out;
  }
  for (const pair of (n as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const v = pair.value as Node | null;
    if (!(MODELLED_SYSCTLS as readonly string[]).includes(key)) {
      y.problem(
        pair.key as Node,
        `'${key}' is not a sysctl the audit models`,
        `the modelled ones: ${MODELLED_SYSCTLS.join(", ")}`,
      );
      continue;
    }
    if (!isScalar(v) || !/^\d{1,5}$/.test(String(v.value))) {
      y.problem((v ?? pair.key) as Node, `${key} must be a whole number`, "as /proc/sys shows it, e.g. 1024");
      continue;
    }
    out[key] = String(v.value);
  }
  return out;
}

/** The bytes of payload/expect, in hex: "hex:0a0b" as written, any other text as its UTF-8 bytes. */
export function payloadHex(text: string): string | undefined {
  const hex = text.startsWith("hex:")
    ? text.slice(4).replace(/\s+/g, "").toLowerCase()
    : Buffer.from(text, "utf8").toString("hex");
  return /^([0-9a-f]{2}){1,256}$/.test(hex) ? hex : undefined;
}

function bytes(y: YamlFile, n: Node | undefined, key: string): string | undefined {
  if (!n) return undefined;
  const hex = isScalar(n) && typeof n.value === "string" ? payloadHex(n.value) : undefined;
  if (!hex)
    y.problem(
      n,
      `'${key}' must be text, or 'hex:' and pairs of hex digits, 1 to 256 bytes`,
      `e.g. ${key}: "hex:1b0000" or ${key}: "PING"`,
    );
  return hex;
}
