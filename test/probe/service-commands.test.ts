// dnsq, httpget and httploop (cmd_service.c) against small stand-in servers (python3) in a network
// namespace of the probe's own: answers are counted by id and status, refusals and garbage as failures.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";

// DNS on udp 5353 (answers every query: QR set, NOERROR), HTTP on tcp 8080 (204), garbage on tcp 8082.
// Every socket is bound (and listening) before it prints "listening": the test's first call waits for it.
const SERVERS = `
import os, socket, threading, time
def orphaned():
    # The probe is exec'd by this process's parent shell: when it goes, this stand-in goes too.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(0)
def listener(port):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", port)); l.listen(64)
    return l
def tcp(l, reply):
    while True:
        c, _ = l.accept(); c.recv(1024); c.sendall(reply); c.close()
dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); dns.bind(("127.0.0.1", 5353))
http, garbage = listener(8080), listener(8082)
threading.Thread(target=orphaned, daemon=True).start()
threading.Thread(target=tcp, args=(http, b"HTTP/1.0 204 No Content\\r\\n\\r\\n"), daemon=True).start()
threading.Thread(target=tcp, args=(garbage, b"hello, not http\\n"), daemon=True).start()
print("listening", flush=True)
while True:
    q, a = dns.recvfrom(512); dns.sendto(q[:2] + bytes([0x81, 0x80]) + q[4:], a)
`;

/**
 * The probe in a network namespace of its own, beside the stand-ins; resolves once they listen. Their
 * output comes on fd 3 (the probe's stdout is the protocol), so a stand-in that fails to start ends
 * the wait with its traceback instead of leaving the test to guess how long python3 takes to start.
 */
async function startProbe(t: ExecutionContext): Promise<ProbeSession> {
  const script = 'ip link set lo up && python3 -c "$1" </dev/null >&3 2>&3 3>&- & exec "$0" 3>&-';
  const child = spawn("unshare", ["-n", "--", "sh", "-c", script, buildProbeBinary(), SERVERS], {
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  t.teardown(() => child.kill("SIGKILL"));
  const session = new ProbeSession("probe", child.stdin, child.stdout, child.stderr);
  await untilListening(child.stdio[3] as Readable);
  return session;
}

function untilListening(servers: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = "";
    servers.setEncoding("utf8").on("data", (d: string) => {
      said += d;
      if (/^listening$/m.test(said)) resolve();
    });
    servers.on("close", () => reject(new Error(`the stand-in servers ended before they listened:\n${said}`)));
  });
}

test("dnsq counts answers by id and names who answered; nobody on the port is 0 answered", async (t) => {
  const s = await startProbe(t);
  t.like(await s.call(["dnsq", "127.0.0.1", "5353", "20", "1000"]), {
    ret: 20,
    errno: null,
    sent: 20,
    answered: 20,
    noerror: 20,
    stray: 0,
    from: "127.0.0.1 5353",
  });
  const started = Date.now();
  t.like(await s.call(["dnsq", "127.0.0.1", "5354", "3", "300"]), { ret: 0, sent: 3, answered: 0, from: null });
  t.true(Date.now() - started >= 250, "it waited for answers that never came");
  t.regex(String((await s.call(["dnsq", "127.0.0.1", "5353", "0", "100"])).error), /bad count/);
  t.regex(String((await s.call(["dnsq", "nowhere", "5353", "1", "100"])).error), /bad address/);
});

test("httpget counts status codes; a refused port and a reply that is not HTTP are failures with their reason", async (t) => {
  const s = await startProbe(t);
  t.like(await s.call(["httpget", "127.0.0.1", "8080", "3", "1000"]), {
    ret: 3,
    tries: 3,
    ok: 3,
    failed: 0,
    status: { "204": 3 },
    errors: {},
  });
  t.like(await s.call(["httpget", "127.0.0.1", "8081", "2", "1000"]), {
    ret: 0,
    tries: 2,
    ok: 0,
    failed: 2,
    errors: { ECONNREFUSED: 2 },
  });
  t.like(await s.call(["httpget", "127.0.0.1", "8082", "1", "1000"]), { ok: 0, failed: 1, errors: { "not-http": 1 } });
});

test("httploop asks one request per 20 ms at most for its whole duration", async (t) => {
  const s = await startProbe(t);
  // Only the pace is an upper bound; how many tries fit in the duration is the CPU's business (on a
  // loaded machine one try may take it all), so the lower bounds are the probe's own: it asks at least
  // once and does not stop before the duration is over.
  let started = Date.now();
  const r = await s.call(["httploop", "127.0.0.1", "8080", "400", "500"]);
  t.true(Date.now() - started >= 400, "it asked for the whole duration");
  t.true(Number(r.tries) >= 1 && Number(r.tries) <= 21, JSON.stringify(r)); // 400 ms / 20 ms = 20 at most
  t.like(r, { ok: r.tries, failed: 0, status: { "204": r.tries } });
  started = Date.now();
  const refused = await s.call(["httploop", "127.0.0.1", "8081", "200", "500"]);
  t.true(Date.now() - started >= 200, "it asked for the whole duration");
  t.true(Number(refused.tries) >= 1 && Number(refused.tries) <= 11, JSON.stringify(refused));
  t.like(refused, { ok: 0, failed: refused.tries, errors: { ECONNREFUSED: refused.tries } });
});
