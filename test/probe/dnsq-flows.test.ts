// dnsq with FLOWS: the queries leave from that many sockets (distinct source ports, so a SO_REUSEPORT
// group hashes each on its own), and answers are tallied by RCODE (a REFUSED is an answer, not a
// service). A stand-in server in a network namespace of the probe's own prints "ready" once bound, then
// one line per query: its source port and the RCODE it answered with.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";

// Even ids get NOERROR, odd ids REFUSED (RCODE 5).
const SERVER = `
import os, socket, threading, time
def orphaned():
    # The probe is exec'd by this process's parent shell: when it goes, this stand-in goes too.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(0)
threading.Thread(target=orphaned, daemon=True).start()
out = os.fdopen(3, "w", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5353))
out.write("ready\\n")
while True:
    q, a = s.recvfrom(512)
    rcode = 5 if q[1] & 1 else 0
    s.sendto(q[:2] + bytes([0x81, 0x80 | rcode]) + q[4:], a)
    out.write("%d %d\\n" % (a[1], rcode))
`;

function start(t: ExecutionContext) {
  const script = 'ip link set lo up && python3 -c "$1" </dev/null >/dev/null 2>&1 & exec "$0" 3>&-';
  const child = spawn("unshare", ["-n", "--", "sh", "-c", script, buildProbeBinary(), SERVER], {
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  t.teardown(() => child.kill("SIGKILL"));
  const lines = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream });
  const seen: string[] = [];
  const waiters: { n: number; done: (lines: string[]) => void }[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  lines.on("line", (l) => {
    if (l === "ready") return onReady();
    seen.push(l);
    for (const w of waiters.filter((w) => seen.length >= w.n)) w.done(seen.splice(0, w.n));
  });
  /** The server's next n lines: its log of the queries it answered. */
  const next = (n: number) => new Promise<string[]>((done) => waiters.push({ n, done }));
  return { session: new ProbeSession("probe", child.stdin, child.stdout, child.stderr), ready, next };
}

const ports = (lines: string[]) => new Set(lines.map((l) => l.split(" ")[0])).size;

test("dnsq N TIMEOUT FLOWS: one source port per flow, answers tallied by RCODE", async (t) => {
  const { session, ready, next } = start(t);
  await ready;
  const logged = next(64);
  const r = await session.call(["dnsq", "127.0.0.1", "5353", "64", "5000", "64"]);
  t.like(r, {
    ret: 64,
    errno: null,
    sent: 64,
    flows: 64,
    answered: 64,
    noerror: 32,
    rcodes: { NOERROR: 32, REFUSED: 32 },
    stray: 0,
  });
  t.is(ports(await logged), 64);
  // Without FLOWS: one socket, one source port, as before.
  const one = next(8);
  t.like(await session.call(["dnsq", "127.0.0.1", "5353", "8", "5000"]), { answered: 8, flows: 1 });
  t.is(ports(await one), 1);
  // More flows than queries: one per query.
  t.like(await session.call(["dnsq", "127.0.0.1", "5353", "3", "5000", "64"]), { answered: 3, flows: 3 });
  t.regex(String((await session.call(["dnsq", "127.0.0.1", "5353", "3", "100", "0"])).error), /bad flow count/);
  t.regex(String((await session.call(["dnsq", "127.0.0.1", "5353", "3", "100", "257"])).error), /bad flow count/);
});
