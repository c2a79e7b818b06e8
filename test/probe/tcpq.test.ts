// tcpq (cmd_payload.c): any TCP service, one connection per flow, all at once; replies judged by the
// bytes they must contain, or as DNS-over-TCP answers counted by RCODE. Stand-in servers in a network
// namespace of the probe's own print "ready" once listening: an echo server that prefixes "PONG " to
// every other reply and "NOPE " to the rest, a DNS server answering every other query REFUSED, one
// that closes without a word, and a listener that never accepts.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { DNS_TCP_QUERY } from "../../lab/audit/service-client";
import { ProbeSession } from "../../lab/probe/probe-session";

const SERVERS = `
import os, socket, threading, time
def orphaned():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(0)
threading.Thread(target=orphaned, daemon=True).start()
def listener(port, backlog=256):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(backlog); return s
def serve(s, answer):
    n = 0
    while True:
        c, _ = s.accept()
        answer(c, n); n += 1
def echo(c, n):
    q = c.recv(512); c.sendall((b"PONG " if n % 2 else b"NOPE ") + q); c.close()
def dns(c, n):
    q = b""
    while len(q) < 2 or len(q) < 2 + int.from_bytes(q[:2], "big"):
        q += c.recv(512)
    m = bytearray(q[2:]); m[2] |= 0x80; m[3] = (m[3] & 0xf0) | (5 if n % 2 else 0)
    c.sendall(len(m).to_bytes(2, "big") + bytes(m)); c.close()
def mute(c, n):
    c.recv(512); c.close()
for port, answer in ((5300, echo), (5353, dns), (5302, mute)):
    threading.Thread(target=serve, args=(listener(port), answer), daemon=True).start()
never = listener(5303)
os.fdopen(3, "w").write("ready\\n")
while True:
    time.sleep(60)
`;

function start(t: ExecutionContext): { session: ProbeSession; ready: Promise<void> } {
  const script = 'ip link set lo up && python3 -c "$1" </dev/null >/dev/null 2>&1 & exec "$0" 3>&-';
  const child = spawn("unshare", ["-n", "--", "sh", "-c", script, buildProbeBinary(), SERVERS], {
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  t.teardown(() => child.kill("SIGKILL"));
  const ready = new Promise<void>((resolve) =>
    createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on("line", (l) => l === "ready" && resolve()),
  );
  return { session: new ProbeSession("probe", child.stdin, child.stdout, child.stderr), ready };
}

const hex = (s: string) => Buffer.from(s).toString("hex");

test("tcpq: one connection per flow, replies judged by the bytes a good one contains", async (t) => {
  const { session, ready } = start(t);
  await ready;
  t.like(await session.call(["tcpq", "127.0.0.1", "5300", "64", "5000", hex("ping"), hex("PONG ping")]), {
    ret: 64,
    errno: null,
    sent: 64,
    connected: 64,
    answered: 64,
    good: 32,
    errors: { "unexpected-reply": 32 },
  });
  t.like(await session.call(["tcpq", "127.0.0.1", "5300", "4", "5000", hex("ping"), "any"]), { answered: 4, good: 4 });
});

test("tcpq dns: complete DNS-over-TCP answers counted by RCODE", async (t) => {
  const { session, ready } = start(t);
  await ready;
  t.like(await session.call(["tcpq", "127.0.0.1", "5353", "64", "5000", DNS_TCP_QUERY, "dns"]), {
    sent: 64,
    answered: 64,
    rcodes: { NOERROR: 32, REFUSED: 32 },
  });
});

test("tcpq: what stopped a flow is named (refused, closed, never accepted); bad arguments are refused", async (t) => {
  const { session, ready } = start(t);
  await ready;
  t.like(await session.call(["tcpq", "127.0.0.1", "5301", "3", "2000", hex("ping"), "any"]), {
    ret: 0,
    sent: 3,
    connected: 0,
    answered: 0,
    errors: { ECONNREFUSED: 3 },
  });
  t.like(await session.call(["tcpq", "127.0.0.1", "5302", "3", "5000", hex("ping"), "any"]), {
    connected: 3,
    answered: 0,
    errors: { "closed-without-reply": 3 },
  });
  // A listener that never accepts still completes the handshake: connected, then no reply until the time is up.
  t.like(await session.call(["tcpq", "127.0.0.1", "5303", "2", "1000", hex("ping"), "any"]), {
    connected: 2,
    answered: 0,
    errors: { "no-reply": 2 },
  });
  t.regex(String((await session.call(["tcpq", "127.0.0.1", "5300", "3", "100", "abc", "any"])).error), /bad payload/);
  t.regex(String((await session.call(["tcpq", "127.0.0.1", "5300", "3", "100", "00", "ntp"])).error), /bad judge/);
  t.regex(String((await session.call(["tcpq", "127.0.0.1", "5300", "257", "100", "00", "any"])).error), /bad count/);
});
