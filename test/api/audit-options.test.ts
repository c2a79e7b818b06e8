/**
 * audit()'s options, checked before anything starts (no engine here): the { image, ports } form is
 * read by the audit file's reader, so it builds the Audit a file with the same keys makes and the
 * CLI's --image defaults; bad options are one LabError naming every field and its fix.
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import { audit, LabError, type AuditOptions } from "../../lab";
import { auditsOf } from "../../lab/api/audit-options";
import { loadAudits } from "../../lab/audit/audit-file";
import { quickAudit, quickAudits } from "../../lab/cli/commands/audit-action";
import type { AuditOptions as CliOptions } from "../../lab/cli/commands/audit";

const DNSMASQ = [
  "dnsmasq",
  "--keep-in-foreground",
  "--port=5353",
  "--user=",
  "--pid-file=",
  "--log-facility=-",
  "--no-resolv",
  "--no-hosts",
  "--address=/reuselab.test/10.0.0.1",
];
const cli: CliOptions = {
  image: "svc:1",
  user: "65534:65534",
  arg: [],
  tmpfs: [],
  cap: [],
  sysctl: [],
  requests: 64,
  repeat: 1,
};
const without = <T extends object>(a: T) => ({ ...a, file: "-", lines: {} });

/** The message of the LabError auditsOf throws (and its code). */
function refusal(t: { fail: (m: string) => void }, o: unknown): { code: string; message: string } {
  try {
    auditsOf(o as AuditOptions);
  } catch (e) {
    if (e instanceof LabError) return { code: e.code, message: e.message };
    throw e;
  }
  t.fail(`accepted ${JSON.stringify(o)}`);
  return { code: "", message: "" };
}

test("the image form with audits/dnsmasq.yaml's keys builds the audit that file does", (t) => {
  const [file] = loadAudits(["audits/dnsmasq.yaml"]);
  const [api] = auditsOf({
    name: "dnsmasq",
    image: { packages: ["dnsmasq", "nginx"] },
    user: "65534:65534",
    command: DNSMASQ,
    tmpfs: [],
    protocol: "dns",
    ports: "5353/udp",
    profiles: [
      "udp-specific-reuseaddr",
      "udp-same-address-reuseaddr",
      "udp-reuseport-same-uid",
      "udp-reuseport-other-uid",
      "restart",
    ],
    mustResist: ["udp-reuseport-other-uid"],
  });
  t.deepEqual(without(api!), without(file!));
  t.is(api!.file, "audit({ image })");
});

test("left out, the options take the CLI's --image defaults (user, tmpfs, protocol, profiles, the image's command)", (t) => {
  t.deepEqual(
    without(auditsOf({ image: "svc:1", ports: "53/udp" })[0]!),
    without(quickAudit({ ...cli, port: "53/udp" }, [])),
  );
  t.deepEqual(
    without(auditsOf({ image: "svc:1", ports: "8080/tcp" })[0]!),
    without(quickAudit({ ...cli, port: "8080/tcp" }, [])),
  );
  const several = {
    ports: ["5353/udp", "8080/tcp"],
    mustResist: ["udp-specific-reuseaddr", "tcp-beside-listener"],
  } as const;
  t.deepEqual(
    auditsOf({ image: "svc:1", ...several }).map(without),
    quickAudits({ ...cli, port: [...several.ports], mustResist: [...several.mustResist] }, []).map(without),
  );
  const [ntp] = auditsOf({
    image: "svc:1",
    ports: "123/udp ntp",
    hostSysctls: { "net.ipv4.ip_unprivileged_port_start": 1024 },
  });
  t.is(ntp!.protocol, "ntp");
  t.deepEqual(ntp!.hostSysctls, { "net.ipv4.ip_unprivileged_port_start": "1024" });
  t.is(
    auditsOf({ image: "svc:1", ports: "11211/udp", protocol: "udp", payload: "hex:0000", expect: "VERSION" })[0]!
      .expect,
    Buffer.from("VERSION").toString("hex"),
  );
});

test("every problem of the image form at once, each naming its option and the fix", (t) => {
  const r = refusal(t, {
    image: "svc:1",
    ports: ["53", "8080/tcp"],
    user: "root",
    mustResist: ["tcp-beside-listener", "udp-reuseport-other-uid"],
    profiles: ["tcp-beside-listener"],
    hostSysctls: { "net.core.rmem_max": 1 },
  });
  t.is(r.code, "REUSELAB_BAD_ARGS");
  t.regex(r.message, /^audit\(\): 5 problems in its options; nothing was started:\n/);
  t.regex(r.message, /\n {2}user: user 'root' must be a numeric uid or uid:gid; numbers only/);
  t.regex(r.message, /\n {2}ports: port '53' must be PORT\/udp or PORT\/tcp/);
  t.regex(
    r.message,
    /\n {2}mustResist: must-resist names 'udp-reuseport-other-uid', which is not in profiles; add it to profiles, or drop it here/,
  );
  t.regex(
    r.message,
    /\n {2}mustResist: must-resist names 'udp-reuseport-other-uid', which cannot run here: .* the audited port is 8080\/tcp; a must-resist profile that cannot run would pass the gate/,
  );
  t.regex(
    r.message,
    /\n {2}hostSysctls: 'net.core.rmem_max' is not a sysctl the audit models; the modelled ones: net.ipv4.ip_unprivileged_port_start/,
  );
  t.regex(
    refusal(t, { image: "svc:1", ports: "53/udp", profiles: ["udp-specifc-reuseaddr"] }).message,
    /profiles: unknown profile 'udp-specifc-reuseaddr'; did you mean 'udp-specific-reuseaddr'\?/,
  );
  t.regex(
    refusal(t, { image: "svc:1", ports: "53/udp", protocol: "http" }).message,
    /protocol http is spoken over tcp; the port is 53\/udp/,
  );
  t.regex(
    refusal(t, { image: "svc:1", ports: "53/udp", profiles: ["reload"] }).message,
    /profiles: the reload profile needs 'reload:'/,
  );
  t.regex(
    refusal(t, { image: { packages: ["Dnsmasq"] }, ports: "53/udp" }).message,
    /image: 'Dnsmasq' is not a Debian package name/,
  );
});

test("options of the wrong shape or name are refused before the audit file's reader sees them", (t) => {
  t.regex(refusal(t, { image: "svc:1", port: "53/udp" }).message, /\n {2}port: unknown option; did you mean 'ports'\?/);
  const shapes = refusal(t, { image: "", ports: 53, command: "dnsmasq -k", user: 65534, hostSysctls: [] });
  t.regex(shapes.message, /^audit\(\): 5 problems/);
  t.regex(shapes.message, /\n {2}image: a local image's name .* or \{ packages: \["dnsmasq"\] \}/);
  t.regex(shapes.message, /\n {2}ports: "5353\/udp", or a non-empty list/);
  t.regex(shapes.message, /\n {2}command: a list of strings/);
  t.regex(shapes.message, /\n {2}user: a non-empty string/);
  t.regex(shapes.message, /\n {2}hostSysctls: an object of sysctl: value/);
  t.regex(refusal(t, { image: "svc:1", ports: "53/udp", command: [] }).message, /command: 'command' is empty/);
  t.regex(refusal(t, { file: "audits/dnsmasq.yaml", image: "svc:1" }).message, /file, image: one form at a time/);
  t.regex(refusal(t, {}).message, /image: missing; give \{ file \} .* or \{ image, ports \}/);
  t.regex(refusal(t, undefined).message, /options: give \{ file \}/);
  t.regex(
    refusal(t, { file: "audits/dnsmasq.yaml", ports: "53/udp" }).message,
    /ports: not an option of the \{ file \} form \(file, requests, signal, log\); the audit file says it/,
  );
  t.regex(refusal(t, { file: [] }).message, /file: an audit file or folder, or a non-empty list of them/);
  const run = refusal(t, { file: "audits/dnsmasq.yaml", requests: 0, signal: "stop", log: true });
  t.regex(
    run.message,
    /requests: a whole number from 1 to 1000, not 0\n {2}signal: an AbortSignal .*\n {2}log: a function/,
  );
});

test("the file form: files and folders as the CLI reads them, their problems with file:line", (t) => {
  t.deepEqual(auditsOf({ file: "audits/dnsmasq.yaml" }), loadAudits(["audits/dnsmasq.yaml"]));
  const dir = scratch("audit-api");
  t.regex(refusal(t, { file: dir }).message, /no audit files \(\*\.yaml\) in /);
  writeFileSync(
    join(dir, "x.yaml"),
    "schemaVersion: 1\nname: x\nimage: { local: svc:1 }\nuser: nobody\ncommand: [x]\nprotocol: dns\nport: 53/udp\nprofiles: [restart]\n",
  );
  const bad = refusal(t, { file: [dir] });
  t.is(bad.code, "REUSELAB_BAD_CASES");
  t.regex(bad.message, /x\.yaml:4: user 'nobody' must be a numeric uid/);
  t.regex(refusal(t, { file: join(dir, "none.yaml") }).message, /none\.yaml/);
});

test("audit() with a signal already aborted rejects with REUSELAB_INTERRUPTED before it asks for an engine", async (t) => {
  await t.throwsAsync(audit({ image: "svc:1", ports: "53/udp", signal: AbortSignal.abort() }), {
    instanceOf: LabError,
    code: "REUSELAB_INTERRUPTED",
  } as never);
  // Bad options are said first, whatever the signal.
  await t.throwsAsync(audit({ image: "svc:1", ports: "53", signal: AbortSignal.abort() }), {
    code: "REUSELAB_BAD_ARGS",
  } as never);
});
