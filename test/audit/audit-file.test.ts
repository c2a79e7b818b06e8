// Audit files are validated whole before anything starts: every problem, each with its file:line.
import test from "ava";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import { loadAudits, readAudit } from "../../lab/audit/audit-file";
import { CaseProblemsError } from "../../lab/problems";
import { labHere } from "../cli/helpers";

const GOOD = `schemaVersion: 1
name: dns
image: { packages: [dnsmasq] }
user: "65534:65534"
command: [dnsmasq, -k, --port=5353]
protocol: dns
port: 5353/udp
profiles: [udp-specific-reuseaddr, restart]
must-resist: [udp-specific-reuseaddr]
`;

function problems(yaml: string): string[] {
  return readAudit("a.yaml", yaml).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

test("a valid audit file becomes an Audit", (t) => {
  const { audit, problems: p } = readAudit("a.yaml", GOOD);
  t.deepEqual(p, []);
  t.deepEqual(audit?.port, { port: 5353, transport: "udp" });
  t.deepEqual(audit?.image, { kind: "packages", packages: ["dnsmasq"] });
  t.deepEqual(audit?.mustResist, ["udp-specific-reuseaddr"]);
  t.deepEqual(audit?.capabilities, []);
});

test("the shipped audits validate", (t) => {
  const audits = loadAudits(["audits/dnsmasq.yaml", "audits/nginx.yaml"]);
  const shipped = loadAudits(
    readdirSync("audits")
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => `audits/${f}`),
  );
  t.true(shipped.length >= 9, shipped.map((a) => a.name).join(", "));
  t.true(new Set(shipped.map((a) => a.protocol)).size === 4, "dns, http, ntp and udp are all shipped");
  t.deepEqual(
    audits.map((a) => `${a.name} ${a.port.port}/${a.port.transport} ${a.protocol}`),
    ["dnsmasq 5353/udp dns", "nginx 8080/tcp http"],
  );
  t.deepEqual(audits[1]!.reload?.slice(-2), ["-s", "reload"]);
});

test("every problem of a bad file is reported with its line", (t) => {
  const bad = GOOD.replace("port: 5353/udp", "port: 5353/sctp")
    .replace('user: "65534:65534"', "user: nobody")
    .replace("profiles: [udp-specific-reuseaddr, restart]", "profiles: [udp-specific-reuseadr, restart]")
    .replace("protocol: dns", "protocl: dns");
  t.deepEqual(problems(bad), [
    "a.yaml:6: unknown key 'protocl'",
    "a.yaml:1: 'protocol' is missing",
    "a.yaml:4: user 'nobody' must be a numeric uid or uid:gid",
    "a.yaml:7: port '5353/sctp' must be PORT/udp or PORT/tcp (1 to 65535)",
    "a.yaml:8: unknown profile 'udp-specific-reuseadr'; did you mean 'udp-specific-reuseaddr'?",
    "a.yaml:9: must-resist names 'udp-specific-reuseaddr', which is not in profiles",
  ]);
});

test("image, reload and package names are checked", (t) => {
  t.deepEqual(problems(GOOD.replace("image: { packages: [dnsmasq] }", 'image: { packages: ["dnsmasq; rm -rf /"] }')), [
    "a.yaml:3: 'dnsmasq; rm -rf /' is not a Debian package name",
  ]);
  t.deepEqual(problems(GOOD.replace("image: { packages: [dnsmasq] }", "image: debian")), [
    "a.yaml:3: 'image' must be a mapping with one key, packages or local",
  ]);
  t.deepEqual(problems(GOOD.replace("restart]", "reload]")), [
    "a.yaml:8: the reload profile needs 'reload:' (the command that reloads the service)",
  ]);
  t.deepEqual(problems("- a list\n"), ["a.yaml:1: an audit file is a YAML mapping of 'key: value' lines"]);
});

test.serial("reuselab audit with a bad file: exit 2 and file:line, before any engine or container", async (t) => {
  const dir = scratch("audit");
  const file = join(dir, "bad.yaml");
  writeFileSync(file, GOOD.replace("port: 5353/udp", "port: 99999/udp"));
  const r = await labHere(["audit", file]);
  t.is(r.code, 2);
  t.true(r.err.includes(`${file}:7: port '99999/udp' must be PORT/udp or PORT/tcp`), r.err);
  t.true(r.err.includes("nothing was started"), r.err);
  t.throws(() => loadAudits([file]), { instanceOf: CaseProblemsError });
});

test.serial("reuselab audit --image without --port: exit 2", async (t) => {
  const r = await labHere(["audit", "--image", "some:image"]);
  t.is(r.code, 2);
  t.regex(r.err, /--image needs --port PORT\/udp or PORT\/tcp/);
});

test("a must-resist profile that cannot run on the port is refused at its line: it would pass the gate without an attack", (t) => {
  const tcpOnUdp = GOOD.replace(
    "profiles: [udp-specific-reuseaddr, restart]",
    "profiles: [udp-specific-reuseaddr, tcp-beside-listener]",
  ).replace("must-resist: [udp-specific-reuseaddr]", "must-resist: [udp-specific-reuseaddr, tcp-beside-listener]");
  t.deepEqual(problems(tcpOnUdp), [
    "a.yaml:9: must-resist names 'tcp-beside-listener', which cannot run here: tcp-beside-listener attacks a TCP port; the audited port is 5353/udp",
  ]);
});

test("a uid above 4294967294 is a problem at its line, not an internal error later", (t) => {
  t.deepEqual(problems(GOOD.replace('"65534:65534"', '"4294967295"')), [
    "a.yaml:4: user '4294967295': 4294967295 is above the highest uid or gid, 4294967294 (4294967295 is (uid_t)-1, \"no uid\")",
  ]);
  t.deepEqual(problems(GOOD.replace('"65534:65534"', '"0:4294967296"')).length, 1);
  t.deepEqual(problems(GOOD.replace('"65534:65534"', '"4294967294"')), []);
});

test("host-sysctls: only the modelled ones, whole numbers, each at its line", (t) => {
  const { audit } = readAudit("a.yaml", `${GOOD}host-sysctls: { net.ipv4.ip_unprivileged_port_start: 1024 }\n`);
  t.deepEqual(audit?.hostSysctls, { "net.ipv4.ip_unprivileged_port_start": "1024" });
  t.deepEqual(problems(`${GOOD}host-sysctls:\n  net.core.rmem_max: 1\n  net.ipv4.ip_nonlocal_bind: yes\n`), [
    "a.yaml:11: 'net.core.rmem_max' is not a sysctl the audit models",
    "a.yaml:12: net.ipv4.ip_nonlocal_bind must be a whole number",
  ]);
});

test.serial("audit-file errors say 'audit file', not 'case files'", async (t) => {
  const dir = scratch("audit");
  const file = join(dir, "bad.yaml");
  writeFileSync(file, GOOD.replace('"65534:65534"', '"4294967295"'));
  const r = await labHere(["audit", file]);
  t.is(r.code, 2);
  t.regex(r.err, /1 problem in the audit file; nothing was started:\n/);
  t.notRegex(r.err, /case files|internal error/);
});

test.serial(
  "reuselab audit --image: a must-resist profile that cannot run on the port is refused (exit 2), a bad uid too",
  async (t) => {
    const r = await labHere([
      "audit",
      "--image",
      "some:image",
      "--port",
      "5353/udp",
      "--profiles",
      "udp-specific-reuseaddr,tcp-beside-listener",
      "--must-resist",
      "tcp-beside-listener",
    ]);
    t.is(r.code, 2);
    t.regex(
      r.err,
      /--must-resist: tcp-beside-listener attacks a TCP port; the audited port is 5353\/udp; drop it from --must-resist/,
    );
    const u = await labHere(["audit", "--image", "some:image", "--port", "5353/udp", "--user", "4294967295"]);
    t.is(u.code, 2);
    t.regex(u.err, /--user: user '4294967295': 4294967295 is above the highest uid/);
  },
);

test("protocols ntp, udp and tcp: the port's transport must fit, udp and tcp need a payload, payload and expect are text or hex", (t) => {
  const udp = GOOD.replace(
    "protocol: dns",
    'protocol: udp\npayload: "hex:00 00 00 00 00 01 00 00 76 65"\nexpect: "VERSION"',
  );
  const { audit } = readAudit("a.yaml", udp);
  t.is(audit?.payload, "00000000000100007665");
  t.is(audit?.expect, Buffer.from("VERSION").toString("hex"));
  t.deepEqual(problems(GOOD.replace("protocol: dns", "protocol: ntp")), []);
  t.deepEqual(problems(GOOD.replace("protocol: dns", "protocol: udp")), [
    "a.yaml:6: protocol udp needs 'payload:' (the request's bytes)",
  ]);
  t.deepEqual(problems(GOOD.replace("protocol: dns", 'protocol: udp\npayload: "hex:0g"')), [
    "a.yaml:7: 'payload' must be text, or 'hex:' and pairs of hex digits, 1 to 256 bytes",
  ]);
  t.deepEqual(problems(GOOD.replace("protocol: dns", 'protocol: dns\nexpect: "x"')), [
    "a.yaml:7: 'expect' is for protocols udp and tcp only",
  ]);
  const tcp = readAudit(
    "a.yaml",
    GOOD.replace(
      "protocol: dns\nport: 5353/udp",
      'protocol: tcp\npayload: "stats\\r\\n"\nexpect: "STAT pid"\nport: 11211/tcp',
    )
      .replace("udp-specific-reuseaddr, restart]", "tcp-beside-listener]")
      .replace("must-resist: [udp-specific-reuseaddr]", "must-resist: [tcp-beside-listener]"),
  );
  t.deepEqual(tcp.problems, []);
  t.is(tcp.audit?.payload, Buffer.from("stats\r\n").toString("hex"));
  t.is(tcp.audit?.expect, Buffer.from("STAT pid").toString("hex"));
  t.deepEqual(problems(GOOD.replace("protocol: dns", 'protocol: tcp\npayload: "x"')), [
    "a.yaml:8: protocol tcp is spoken over tcp; the port is 5353/udp",
  ]);
  t.deepEqual(
    problems(
      GOOD.replace("protocol: dns", "protocol: http")
        .replace("profiles: [udp-specific-reuseaddr, restart]", "profiles: [restart]")
        .replace("must-resist: [udp-specific-reuseaddr]", "must-resist: [restart]"),
    ),
    ["a.yaml:7: protocol http is spoken over tcp; the port is 5353/udp"],
  );
});

test.serial("reuselab audit --image: --protocol must fit the port, udp needs --payload", async (t) => {
  const r = await labHere(["audit", "--image", "some:image", "--port", "5353/udp", "--protocol", "http"]);
  t.is(r.code, 2);
  t.regex(r.err, /--protocol http is not spoken over udp/);
  const p = await labHere(["audit", "--image", "some:image", "--port", "11211/udp", "--protocol", "udp"]);
  t.is(p.code, 2);
  t.regex(p.err, /--protocol udp needs --payload/);
});

test("ports: one audit per port, each with its protocol; profiles that cannot run on a port are left out there", (t) => {
  const two = GOOD.replace("protocol: dns\nport: 5353/udp", "ports: [5353/udp dns, 8080/tcp http]")
    .replace(
      "profiles: [udp-specific-reuseaddr, restart]",
      "profiles: [udp-specific-reuseaddr, tcp-beside-listener, restart]",
    )
    .replace("must-resist: [udp-specific-reuseaddr]", "must-resist: [udp-specific-reuseaddr, tcp-beside-listener]");
  const { audits, problems: p } = readAudit("a.yaml", two);
  t.deepEqual(p, []);
  t.deepEqual(
    audits?.map((a) => [
      a.name,
      `${a.port.port}/${a.port.transport}`,
      a.protocol,
      a.profiles.join(","),
      a.mustResist.join(","),
    ]),
    [
      ["dns 5353/udp", "5353/udp", "dns", "udp-specific-reuseaddr,restart", "udp-specific-reuseaddr"],
      ["dns 8080/tcp", "8080/tcp", "http", "tcp-beside-listener,restart", "tcp-beside-listener"],
    ],
  );
  // 'protocol:' is the default for entries without one.
  t.deepEqual(
    readAudit("a.yaml", GOOD.replace("port: 5353/udp", "ports: [5353/udp, 5354/udp]")).audits?.map((a) => a.protocol),
    ["dns", "dns"],
  );
  t.deepEqual(problems(GOOD.replace("port: 5353/udp", "ports: [5353/udp, 123/tcp ntp]")), [
    "a.yaml:7: protocol ntp is spoken over udp; the port is 123/tcp",
  ]);
  // DNS is spoken over UDP and TCP: one server's two sides, audited together.
  const both = readAudit(
    "a.yaml",
    GOOD.replace("port: 5353/udp", "ports: [5353/udp, 5353/tcp]").replace("restart]", "tcp-beside-listener, restart]"),
  );
  t.deepEqual(both.problems, []);
  t.deepEqual(
    both.audits?.map((a) => [`${a.port.port}/${a.port.transport}`, a.protocol, a.profiles.join(",")]),
    [
      ["5353/udp", "dns", "udp-specific-reuseaddr,restart"],
      ["5353/tcp", "dns", "tcp-beside-listener,restart"],
    ],
  );
  t.deepEqual(problems(GOOD.replace("port: 5353/udp", "ports: [5353/udp, 5353/udp dns]")), [
    "a.yaml:7: port 5353/udp is listed twice",
  ]);
  t.deepEqual(problems(GOOD.replace("port: 5353/udp", "port: 5353/udp\nports: [53/udp]")), [
    "a.yaml:8: both 'port' and 'ports'",
  ]);
  t.deepEqual(problems(GOOD.replace("port: 5353/udp", "ports: [5353/udp dsn]")), ["a.yaml:7: unknown protocol 'dsn'"]);
  // A must-resist profile that runs on no port at all is still refused.
  const none = GOOD.replace("port: 5353/udp", "ports: [5353/udp, 5354/udp]")
    .replace("restart]", "tcp-beside-listener]")
    .replace("must-resist: [udp-specific-reuseaddr]", "must-resist: [tcp-beside-listener]");
  t.regex(problems(none)[0]!, /^a\.yaml:9: must-resist names 'tcp-beside-listener', which cannot run here: /);
});
