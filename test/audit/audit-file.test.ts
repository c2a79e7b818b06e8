// Audit files are validated whole before anything starts: every problem, each with its file:line.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAudits, readAudit } from "../../lab/audit/audit-file";
import { CaseProblemsError } from "../../lab/case/problems";
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
  t.deepEqual(audits.map((a) => `${a.name} ${a.port.port}/${a.port.transport} ${a.protocol}`), ["dnsmasq 5353/udp dns", "nginx 8080/tcp http"]);
  t.deepEqual(audits[1]!.reload?.slice(-2), ["-s", "reload"]);
});

test("every problem of a bad file is reported with its line", (t) => {
  const bad = GOOD.replace("port: 5353/udp", "port: 5353/sctp")
    .replace("user: \"65534:65534\"", "user: nobody")
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
  t.deepEqual(problems(GOOD.replace("image: { packages: [dnsmasq] }", "image: { packages: [\"dnsmasq; rm -rf /\"] }")), ["a.yaml:3: 'dnsmasq; rm -rf /' is not a Debian package name"]);
  t.deepEqual(problems(GOOD.replace("image: { packages: [dnsmasq] }", "image: debian")), ["a.yaml:3: 'image' must be a mapping with one key, packages or local"]);
  t.deepEqual(problems(GOOD.replace("restart]", "reload]")), ["a.yaml:8: the reload profile needs 'reload:' (the command that reloads the service)"]);
  t.deepEqual(problems("- a list\n"), ["a.yaml:1: an audit file is a YAML mapping of 'key: value' lines"]);
});

test.serial("reuselab audit with a bad file: exit 2 and file:line, before any engine or container", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-audit-"));
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
