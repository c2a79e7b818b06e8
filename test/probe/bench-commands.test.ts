// The probe's bench commands (images/probe/cmd_bench_*.c), run as child processes on the host's loopback.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { bucketOf } from "../../lab/bench/histogram";
import { ProbeSession } from "../../lab/probe/probe-session";

function startProbe(t: ExecutionContext, name: string): ProbeSession {
  const child = spawn(buildProbeBinary(), [], { stdio: ["pipe", "pipe", "pipe"] });
  t.teardown(() => child.kill("SIGKILL"));
  return new ProbeSession(name, child.stdin, child.stdout, child.stderr);
}

/** Two workers on one port (SO_REUSEPORT), the first on an ephemeral port; returns the port. */
async function reuseportPair(workers: ProbeSession[], proto: "tcp" | "udp"): Promise<string> {
  let port = "0";
  for (const w of workers) {
    await w.call(["socket", "s", proto, "4"]);
    await w.call(["setsockopt", "s", "reuseport", "1"]);
    await w.call(["bind", "s", "127.0.0.1", port]);
    if (proto === "tcp") await w.call(["listen", "s", "1024"]);
    port = String((await w.call(["getsockname", "s"])).port);
  }
  return port;
}

/**
 * Where a test counts what completed, the durations and the calls' bounds are the longest allowed: how
 * long 500 connections take is the CPU's business, and ava's timeout is the only bound. The counts then
 * come from COUNT alone (tcp-load stops starting at COUNT) and the workers from 'stop'.
 */
const UNBOUNDED_MS = 600_000;

const histTotal = (h: unknown) => Object.values(h as Record<string, number>).reduce((a, b) => a + b, 0);

test("tcp-load's completed connections were each accepted by one tcp-serve worker, and each is in its latency histogram", async (t) => {
  const workers = [startProbe(t, "w1"), startProbe(t, "w2")];
  const client = startProbe(t, "client");
  const port = await reuseportPair(workers, "tcp");
  const serving = workers.map((w) => w.call(["tcp-serve", "s", String(UNBOUNDED_MS)], UNBOUNDED_MS));
  const load = await client.call(["tcp-load", "127.0.0.1", port, "500", String(UNBOUNDED_MS), "8"], UNBOUNDED_MS);
  await Promise.all(workers.map((w) => w.call(["stop"])));
  const served = await Promise.all(serving);
  t.like(load, { ret: 500, started: 500, completed: 500, failed: 0, timed_out: 0 });
  t.is(histTotal(load.hist), 500);
  t.true(Number(load.lat_min_us) > 0 && Number(load.lat_max_us) >= Number(load.lat_min_us));
  // The probe's buckets are lab/bench/histogram.ts's: its fastest and slowest connections fall in the first and last bucket.
  const buckets = Object.keys(load.hist as object).map(Number);
  t.is(Math.min(...buckets), bucketOf(Number(load.lat_min_us)));
  t.is(Math.max(...buckets), bucketOf(Number(load.lat_max_us)));
  t.true(Number(load.end_us) > Number(load.start_us));
  for (const s of served) t.like(s, { ended_by: "stop", write_errors: 0 });
  t.is(
    served.reduce((sum, s) => sum + Number(s.accepted), 0),
    500,
  );
});

test("tcp-load against a closed port fails every connection with its errno; tcp-serve ends at its deadline", async (t) => {
  const p = startProbe(t, "p");
  const port = await reuseportPair([p], "tcp");
  t.like(await p.call(["tcp-serve", "s", "100"]), { ret: 0, accepted: 0, ended_by: "deadline" });
  await p.call(["close", "s"]);
  const load = await p.call(["tcp-load", "127.0.0.1", port, "20", String(UNBOUNDED_MS), "4"], UNBOUNDED_MS);
  t.like(load, { ret: 0, started: 20, completed: 0, failed: 20, first_errno: "ECONNREFUSED", hist: {} });
});

test("every datagram udp-load sent was received by a udp-serve worker or counted as dropped by the kernel", async (t) => {
  const workers = [startProbe(t, "w1"), startProbe(t, "w2")];
  const sender = startProbe(t, "sender");
  const port = await reuseportPair(workers, "udp");
  const before = await sender.call(["udp-counters"]);
  const serving = workers.map((w) => w.call(["udp-serve", "s", String(UNBOUNDED_MS), "100"], UNBOUNDED_MS));
  const load = await sender.call(["udp-load", "127.0.0.1", port, "200000", "300", "0", "16", "512"], UNBOUNDED_MS);
  await Promise.all(workers.map((w) => w.call(["stop"])));
  const served = await Promise.all(serving);
  const after = await sender.call(["udp-counters"]);
  t.like(load, { send_errors: 0 });
  t.true(Number(load.sent) > 0);
  const received = served.reduce((s, w) => s + Number(w.received), 0);
  const dropped = served.reduce((s, w) => s + Number(w.drops), 0);
  // The host's loopback is shared with whatever else runs here: its backlog drops bound the rest.
  const lo = (c: typeof before) => (c.rx_dropped as Record<string, number>).lo ?? 0;
  const unexplained = Number(load.sent) - received - dropped;
  t.true(
    unexplained >= 0 && unexplained <= lo(after) - lo(before),
    `sent ${load.sent}, received ${received}, socket drops ${dropped}, backlog drops ${lo(after) - lo(before)}`,
  );
  for (const w of served) t.like(w, { ended_by: "stop" });
});

test("udp-load keeps to its rate, and refuses what it cannot do", async (t) => {
  const p = startProbe(t, "p");
  const port = await reuseportPair([p], "udp");
  const started = Date.now();
  const load = await p.call(
    ["udp-load", "127.0.0.1", port, "100", String(UNBOUNDED_MS), "1000", "4", "64"],
    UNBOUNDED_MS,
  );
  t.like(load, { sent: 100 });
  t.true(Date.now() - started >= 90, "100 datagrams at 1000/s take about 100 ms");
  t.like(await p.call(["udp-serve", "s", "200", "0"]), { received: 100, drops: 0 });
  t.regex(String((await p.call(["udp-load", "127.0.0.1", port, "1", "1", "0", "1", "9000"])).error), /bad size/);
  t.regex(String((await p.call(["tcp-load", "127.0.0.1", port, "1", "1", "5000"])).error), /bad concurrency/);
  t.regex(String((await p.call(["tcp-serve", "s", "10"])).error), /not a TCP socket/);
  const counters = await p.call(["udp-counters"]);
  t.is(counters.ret, 0);
  t.is(typeof (counters.udp as Record<string, unknown>).InDatagrams, "number");
  t.is(typeof (counters.rx_dropped as Record<string, unknown>).lo, "number");
});
