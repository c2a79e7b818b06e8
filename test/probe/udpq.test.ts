// udpq (cmd_udpq.c): any UDP service, one flow per request, replies judged by the bytes they must
// contain or by NTP's rules. Stand-in servers in a network namespace of the probe's own print "ready"
// once bound: an echo server that prefixes "PONG " to every other reply and "NOPE " to the rest, and an
// NTP server that answers every other request with a kiss-o'-death (stratum 0).
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";

const SERVERS = `
import os, socket, threading, time
def orphaned():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(0)
threading.Thread(target=orphaned, daemon=True).start()
echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); echo.bind(("127.0.0.1", 5300))
ntp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ntp.bind(("127.0.0.1", 5123))
def serve(s, reply):
    n = 0
    while True:
        q, a = s.recvfrom(512); s.sendto(reply(q, n), a); n += 1
threading.Thread(target=serve, args=(echo, lambda q, n: (b"PONG " if n % 2 else b"NOPE ") + q), daemon=True).start()
threading.Thread(target=serve, args=(ntp, lambda q, n: bytes([0x24, 2 if n % 2 else 0]) + bytes(46)), daemon=True).start()
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

const NTP_REQUEST = `23${"00".repeat(47)}`;

test("udpq: one reply per flow, judged by the bytes a good one contains, or by NTP's mode and stratum", async (t) => {
  const { session, ready } = start(t);
  await ready;
  const hex = (s: string) => Buffer.from(s).toString("hex");
  t.like(await session.call(["udpq", "127.0.0.1", "5300", "64", "5000", hex("ping"), hex("PONG ping")]), {
    ret: 64,
    errno: null,
    sent: 64,
    answered: 64,
    good: 32,
  });
  t.like(await session.call(["udpq", "127.0.0.1", "5300", "4", "5000", hex("ping"), "any"]), { answered: 4, good: 4 });
  t.like(await session.call(["udpq", "127.0.0.1", "5123", "64", "5000", NTP_REQUEST, "ntp"]), {
    answered: 64,
    good: 32,
  });
  // Nobody on the port: no answer, no hang beyond the timeout.
  t.like(await session.call(["udpq", "127.0.0.1", "5301", "3", "200", hex("ping"), "any"]), {
    ret: 0,
    sent: 3,
    answered: 0,
    good: 0,
  });
  t.regex(String((await session.call(["udpq", "127.0.0.1", "5300", "3", "100", "abc", "any"])).error), /bad payload/);
  t.regex(String((await session.call(["udpq", "127.0.0.1", "5300", "3", "100", "00", "zz"])).error), /bad judge/);
  t.regex(String((await session.call(["udpq", "127.0.0.1", "5300", "257", "100", "00", "any"])).error), /bad count/);
});
