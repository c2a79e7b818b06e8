// dnsq, httpget and httploop (cmd_service.c) against small stand-in servers (python3) in a network
// namespace of the probe's own: answers are counted by id and status, refusals and garbage as failures.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";

// DNS on udp 5353 (answers every query: QR set, NOERROR), HTTP on tcp 8080 (204), garbage on tcp 8082.
const SERVERS = `
import os, socket, threading, time
def orphaned():
    # The probe is exec'd by this process's parent shell: when it goes, this stand-in goes too.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(0)
def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5353))
    while True:
        q, a = s.recvfrom(512); s.sendto(q[:2] + bytes([0x81, 0x80]) + q[4:], a)
def tcp(port, reply):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", port)); l.listen(64)
    while True:
        c, _ = l.accept(); c.recv(1024); c.sendall(reply); c.close()
threading.Thread(target=orphaned, daemon=True).start()
threading.Thread(target=tcp, args=(8080, b"HTTP/1.0 204 No Content\\r\\n\\r\\n"), daemon=True).start()
threading.Thread(target=tcp, args=(8082, b"hello, not http\\n"), daemon=True).start()
dns()
`;

function startProbe(t: ExecutionContext) {
  const script = 'ip link set lo up && python3 -c "$1" </dev/null >/dev/null 2>&1 & exec "$0"';
  const child = spawn("unshare", ["-n", "--", "sh", "-c", script, buildProbeBinary(), SERVERS], { stdio: ["pipe", "pipe", "pipe"] });
  t.teardown(() => child.kill("SIGKILL"));
  return new ProbeSession("probe", child.stdin, child.stdout, child.stderr);
}

async function untilDnsAnswers(s: ProbeSession): Promise<void> {
  for (let i = 0; i < 150; i++) { // up to ~15 s: python3 starts slowly on a busy machine
    if ((await s.call(["dnsq", "127.0.0.1", "5353", "1", "100"])).answered === 1) return;
  }
  throw new Error("the stand-in DNS server never answered");
}

test("dnsq counts answers by id and names who answered; nobody on the port is 0 answered", async (t) => {
  const s = startProbe(t);
  await untilDnsAnswers(s);
  t.like(await s.call(["dnsq", "127.0.0.1", "5353", "20", "1000"]), { ret: 20, errno: null, sent: 20, answered: 20, noerror: 20, stray: 0, from: "127.0.0.1 5353" });
  const started = Date.now();
  t.like(await s.call(["dnsq", "127.0.0.1", "5354", "3", "300"]), { ret: 0, sent: 3, answered: 0, from: null });
  t.true(Date.now() - started >= 250, "it waited for answers that never came");
  t.regex(String((await s.call(["dnsq", "127.0.0.1", "5353", "0", "100"])).error), /bad count/);
  t.regex(String((await s.call(["dnsq", "nowhere", "5353", "1", "100"])).error), /bad address/);
});

test("httpget counts status codes; a refused port and a reply that is not HTTP are failures with their reason", async (t) => {
  const s = startProbe(t);
  await untilDnsAnswers(s);
  t.like(await s.call(["httpget", "127.0.0.1", "8080", "3", "1000"]), { ret: 3, tries: 3, ok: 3, failed: 0, status: { "204": 3 }, errors: {} });
  t.like(await s.call(["httpget", "127.0.0.1", "8081", "2", "1000"]), { ret: 0, tries: 2, ok: 0, failed: 2, errors: { ECONNREFUSED: 2 } });
  t.like(await s.call(["httpget", "127.0.0.1", "8082", "1", "1000"]), { ok: 0, failed: 1, errors: { "not-http": 1 } });
});

test("httploop asks one request per 20 ms at most for its whole duration", async (t) => {
  const s = startProbe(t);
  await untilDnsAnswers(s);
  const r = await s.call(["httploop", "127.0.0.1", "8080", "400", "500"]);
  t.true(Number(r.tries) >= 3 && Number(r.tries) <= 21, JSON.stringify(r)); // 400 ms / 20 ms = 20 at most
  t.is(r.ok, r.tries);
  const refused = await s.call(["httploop", "127.0.0.1", "8081", "200", "500"]);
  t.true(Number(refused.failed) >= 3 && Number(refused.failed) <= 11, JSON.stringify(refused));
  t.is(refused.ok, 0);
});
