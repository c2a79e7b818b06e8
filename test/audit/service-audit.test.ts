// The audit on real services: dnsmasq and nginx from the service image (built once per package list
// from Debian's mirror, then cached by the engine), attacked in a lab network of their own. The counts
// are the kernel's: every query the client sent was either answered by dnsmasq or received by the
// attacker. Nothing labelled with the run's session is left afterwards.
import test from "ava";
import Docker from "dockerode";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import { loadAudits } from "../../lab/audit/audit-file";
import { runAudits } from "../../lab/audit/run-audit";
import { newRunLabel, RUN_LABEL } from "../../lab/backend/docker/labels";
import { ensureMachine } from "../../lab/bootstrap/ensure";

test.before(() => ensureMachine("audit"));

async function leftovers(session: string): Promise<number> {
  const docker = new Docker();
  const filters = { label: [`${RUN_LABEL}=${session}`] };
  return (await docker.listContainers({ all: true, filters })).length + (await docker.listNetworks({ filters })).length;
}

test("dnsmasq: another uid takes every flow with SO_REUSEADDR on its specific address; SO_REUSEPORT across uids is refused", async (t) => {
  const [dnsmasq] = loadAudits(["audits/dnsmasq.yaml"]);
  const audit = { ...dnsmasq!, profiles: ["udp-specific-reuseaddr" as const, "udp-reuseport-other-uid" as const] };
  const session = newRunLabel();
  const [r] = await runAudits([audit], { session });
  t.is(await leftovers(session), 0);

  t.true(
    r!.sockets.some((s) => /0\.0\.0\.0:5353 .*"dnsmasq".* uid:65534/.test(s)),
    r!.sockets.join("\n"),
  );
  // dnsmasq listens on 0.0.0.0 and on [::] (v6only): each family is attacked.
  t.deepEqual(
    r!.profiles.map((p) => `${p.profile} ${p.family}`),
    [
      "udp-specific-reuseaddr v4",
      "udp-specific-reuseaddr v6",
      "udp-reuseport-other-uid v4",
      "udp-reuseport-other-uid v6",
    ],
  );
  const [hijack, hijack6, reuseport, reuseport6] = r!.profiles;
  t.is(hijack6!.verdict, "vulnerable", hijack6!.evidence);
  t.regex(
    hijack6!.evidence,
    /^the kernel let attacker \(uid 1000, SO_REUSEADDR, no capability\) bind \[fd00:213:[0-9a-f]+::10\]:5353 beside the service; traffic: the attacker took \d+ of 64 flows/,
  );
  t.is(
    reuseport6!.evidence,
    "the kernel refused attacker (uid 1000, SO_REUSEPORT, no capability): bind [::]:5353 = EADDRINUSE: the kernel would not share the port with it",
  );
  t.is(hijack!.profile, "udp-specific-reuseaddr");
  t.is(hijack!.verdict, "vulnerable", hijack!.evidence);
  t.is(hijack!.basis, "kernel");
  const c = hijack!.counts!;
  t.is(c.flows, 64);
  t.true(c.stolen! > 0, hijack!.evidence);
  t.is(c.answered! + c.stolen!, c.sent!, hijack!.evidence);
  t.regex(
    hijack!.evidence,
    /^the kernel let attacker \(uid 1000, SO_REUSEADDR, no capability\) bind 10\.213\.\d+\.10:5353 beside the service; traffic: the attacker took \d+ of 64 flows, the service answered \d+$/,
  );

  t.is(reuseport!.verdict, "resisted", reuseport!.evidence);
  t.is(
    reuseport!.evidence,
    "the kernel refused attacker (uid 1000, SO_REUSEPORT, no capability): bind 0.0.0.0:5353 = EADDRINUSE: the kernel would not share the port with it",
  );
  // The lab's namespace is the host's, not Docker's (which sets ip_unprivileged_port_start=0).
  t.deepEqual(r!.host["net.ipv4.ip_unprivileged_port_start"], {
    value: readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").trim(),
    source: "this host",
  });
  t.deepEqual(r!.gateFailures, []);
});

test("nginx: no other uid binds beside its reuseport listeners, its own uid does; a reload drops no request; the gate fails when told to resist a restart", async (t) => {
  const [nginx] = loadAudits(["audits/nginx.yaml"]);
  const audit = {
    ...nginx!,
    profiles: [
      "tcp-beside-listener" as const,
      "tcp-reuseport-same-uid" as const,
      "reload" as const,
      "restart" as const,
    ],
    mustResist: ["reload" as const, "restart" as const],
  };
  const session = newRunLabel();
  const [r] = await runAudits([audit], { session, requests: 16 });
  t.is(await leftovers(session), 0);

  const [beside, sameUid, reload, restart] = r!.profiles;
  t.is(beside!.verdict, "resisted", beside!.evidence);
  t.regex(beside!.evidence, /bind 10\.213\.\d+\.10:8080 = EADDRINUSE: the kernel would not share the port with it$/);
  // Its own uid joins the reuseport group on the more specific address, and takes the connections.
  t.is(sameUid!.verdict, "vulnerable", sameUid!.evidence);
  t.is(sameUid!.basis, "kernel");
  t.true(sameUid!.counts!.stolen! > 0, sameUid!.evidence);
  t.is(sameUid!.counts!.answered! + sameUid!.counts!.stolen!, 16, sameUid!.evidence);
  t.is(reload!.verdict, "resisted", reload!.evidence);
  // How many requests fit in the audit's 4 s window is the CPU's business; the client asks for all of it.
  t.true(reload!.counts!.tries! >= 1, reload!.evidence);
  t.is(reload!.counts!.failed, 0);
  // A SIGKILL leaves the port unbound until the new nginx listens: some requests must fail.
  t.is(restart!.verdict, "vulnerable", restart!.evidence);
  t.true(restart!.counts!.failed! > 0 && restart!.counts!.failed! < restart!.counts!.tries!, restart!.evidence);
  t.deepEqual(r!.gateFailures, ["restart"]);
});

test("an NTP server (chrony) and a raw-UDP service (memcached -U) get verdicts: their clients' answers are judged, the kernel decides", async (t) => {
  const audits = loadAudits(["audits/chrony.yaml", "audits/memcached-udp.yaml"]).map((a) => ({
    ...a,
    profiles: [
      "udp-specific-reuseaddr" as const,
      "udp-reuseport-same-uid" as const,
      "udp-reuseport-other-uid" as const,
    ],
  }));
  const session = newRunLabel();
  const [chrony, memcached] = await runAudits(audits, { session });
  t.is(await leftovers(session), 0);
  // chrony sets SO_REUSEADDR and SO_REUSEPORT on its NTP socket: another uid binds its address, its own uid joins its group.
  // chrony listens on both families: every attack in each.
  const v4 = chrony!.profiles.filter((p) => p.family === "v4");
  t.deepEqual(
    v4.map((p) => [p.profile, p.verdict]),
    [
      ["udp-specific-reuseaddr", "vulnerable"],
      ["udp-reuseport-same-uid", "vulnerable"],
      ["udp-reuseport-other-uid", "resisted"],
    ],
    chrony!.profiles.map((p) => p.evidence).join("\n"),
  );
  t.deepEqual(
    chrony!.profiles.filter((p) => p.family === "v6").map((p) => p.verdict),
    ["vulnerable", "vulnerable", "resisted"],
    chrony!.profiles.map((p) => p.evidence).join("\n"),
  );
  t.regex(v4[0]!.evidence, /traffic: the attacker took 64 of 64 flows, the service answered 0$/);
  // The reuseport group hashes the 64 flows between its two members; the verdict does not depend on the share.
  const shared = v4[1]!.counts!;
  t.is(shared.stolen! + shared.answered!, 64, v4[1]!.evidence);
  // memcached -U: SO_REUSEADDR, no SO_REUSEPORT; IPv4 only (-l 0.0.0.0).
  t.deepEqual(
    memcached!.profiles.map((p) => `${p.family} ${p.verdict}`),
    ["v4 vulnerable", "v4 resisted", "v4 resisted"],
    memcached!.profiles.map((p) => p.evidence).join("\n"),
  );
  t.deepEqual([chrony!.gateFailures, memcached!.gateFailures], [[], []]);
});

test("a two-port audit: one Python service on 5300/udp and 8080/tcp, each port attacked with its own profiles and verdicts", async (t) => {
  const dir = scratch("audit");
  const file = join(dir, "two-ports.yaml");
  writeFileSync(
    file,
    `schemaVersion: 1
name: two-ports
image: { packages: [chrony, dnsmasq, memcached, nginx, python3-minimal, unbound] }
user: "65534:65534"
command:
  - python3
  - -c
  - |
    import socketserver, threading
    class Pong(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            sock.sendto(b"PONG " + data, self.client_address)
    class Http(socketserver.StreamRequestHandler):
        def handle(self):
            self.rfile.readline()
            self.wfile.write(b"HTTP/1.0 200 OK\\r\\n\\r\\nok\\n")
    socketserver.TCPServer.allow_reuse_address = True
    threading.Thread(target=socketserver.TCPServer(("0.0.0.0", 8080), Http).serve_forever, daemon=True).start()
    socketserver.UDPServer(("0.0.0.0", 5300), Pong).serve_forever()
ports: [5300/udp udp, 8080/tcp http]
payload: "ping"
expect: "PONG ping"
profiles: [udp-specific-reuseaddr, tcp-beside-listener]
must-resist: [udp-specific-reuseaddr, tcp-beside-listener]
`,
  );
  const audits = loadAudits([file]);
  t.deepEqual(
    audits.map((a) => a.name),
    ["two-ports 5300/udp", "two-ports 8080/tcp"],
  );
  const session = newRunLabel();
  const [udp, tcp] = await runAudits(audits, { session, requests: 16 });
  t.is(await leftovers(session), 0);
  // UDPServer's defaults: no SO_REUSEADDR, so the kernel refuses the other uid's bind.
  t.deepEqual(
    udp!.profiles.map((p) => [p.profile, p.family, p.verdict]),
    [["udp-specific-reuseaddr", "v4", "resisted"]],
    udp!.profiles.map((p) => p.evidence).join("\n"),
  );
  // A TCP listener with SO_REUSEADDR alone: no other listener may bind beside it.
  t.deepEqual(
    tcp!.profiles.map((p) => [p.profile, p.family, p.verdict]),
    [["tcp-beside-listener", "v4", "resisted"]],
    tcp!.profiles.map((p) => p.evidence).join("\n"),
  );
  t.deepEqual([udp!.port, tcp!.port], ["5300/udp", "8080/tcp"]);
});
