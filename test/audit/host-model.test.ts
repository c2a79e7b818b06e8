// The host modelled, not Docker's defaults: Docker sets net.ipv4.ip_unprivileged_port_start=0 in the
// namespaces it makes, where any uid binds port 53. The audit's service namespace gets this host's
// value (or the audit file's), so an unprivileged attacker meets the EACCES it would meet on the host.
import test from "ava";
import Docker from "dockerode";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import type { Audit } from "../../lab/audit/audit";
import { describeModel, hostModel } from "../../lab/audit/host-model";
import { runAudits } from "../../lab/audit/run-audit";
import { ensureServiceImage } from "../../lab/audit/service-image";
import { newRunLabel } from "../../lab/backend/docker/labels";
import { ensureMachine } from "../../lab/bootstrap/ensure";

test("hostModel: this host's values from /proc/sys, the audit file's where it declares one, absent ones left out", (t) => {
  const proc = scratch("procsys");
  mkdirSync(join(proc, "net/ipv4"), { recursive: true });
  writeFileSync(join(proc, "net/ipv4/ip_unprivileged_port_start"), "1024\n");
  writeFileSync(join(proc, "net/ipv4/ip_nonlocal_bind"), "0\n");
  const model = hostModel({ "net.ipv4.ip_nonlocal_bind": "1" }, proc);
  t.deepEqual(model, {
    "net.ipv4.ip_unprivileged_port_start": { value: "1024", source: "this host" },
    "net.ipv4.ip_nonlocal_bind": { value: "1", source: "audit file" },
  });
  t.is(
    describeModel(model),
    "net.ipv4.ip_unprivileged_port_start=1024 (this host), net.ipv4.ip_nonlocal_bind=1 (audit file)",
  );
});

// dnsmasq on port 53, started as root with the capabilities it needs, dropping to its own user.
const DNS53: Audit = {
  file: "dns53.yaml",
  name: "dnsmasq-53",
  image: { kind: "packages", packages: ["dnsmasq", "nginx"] },
  user: "0:0",
  capabilities: ["NET_BIND_SERVICE", "SETUID", "SETGID", "NET_ADMIN", "NET_RAW"],
  tmpfs: [],
  command: [
    "dnsmasq",
    "--keep-in-foreground",
    "--port=53",
    "--user=dnsmasq",
    "--pid-file=",
    "--log-facility=-",
    "--no-resolv",
    "--no-hosts",
    "--address=/reuselab.test/10.0.0.1",
  ],
  protocol: "dns",
  port: { port: 53, transport: "udp" },
  profiles: ["udp-specific-reuseaddr"],
  mustResist: ["udp-specific-reuseaddr"],
  hostSysctls: {},
  lines: {},
};

test("port 53 as root dropping to its user: with unprivileged port start 1024 the attacker gets EACCES; with the 0 Docker would give, it binds", async (t) => {
  ensureMachine("audit");
  await ensureServiceImage(new Docker(), ["dnsmasq", "nginx"]);
  const [onHost, onZero] = await runAudits(
    [
      { ...DNS53, hostSysctls: { "net.ipv4.ip_unprivileged_port_start": "1024" } },
      { ...DNS53, hostSysctls: { "net.ipv4.ip_unprivileged_port_start": "0" } },
    ],
    { session: newRunLabel() },
  );
  t.deepEqual(onHost!.host["net.ipv4.ip_unprivileged_port_start"], { value: "1024", source: "audit file" });
  const [p] = onHost!.profiles;
  t.is(p!.verdict, "resisted", p!.evidence);
  t.regex(
    p!.evidence,
    /^the kernel refused attacker \(uid 1000, SO_REUSEADDR, no capability\): bind 10\.213\.\d+\.10:53 = EACCES: port 53 is below net\.ipv4\.ip_unprivileged_port_start=1024 and uid 1000 has no CAP_NET_BIND_SERVICE$/,
  );
  t.deepEqual(onHost!.gateFailures, []);
  t.true(
    onHost!.notes.some((n) => n.startsWith('the service starts as root (user "0:0")')),
    onHost!.notes.join("\n"),
  );
  // The namespace Docker would have made: the same attacker binds port 53 and takes the service's flows.
  const [q] = onZero!.profiles;
  t.is(q!.verdict, "vulnerable", q!.evidence);
  t.deepEqual(onZero!.gateFailures, ["udp-specific-reuseaddr"]);
});
