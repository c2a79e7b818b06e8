// A short bench for real, as `npm run bench` runs it (netns backend: root, no container engine): its
// structure, and that every count adds up exactly, whatever this machine's speed. The bench runs in a
// child process: the netns backend names its namespaces by process id, and ava's workers share one.
import test from "ava";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_CLAIMS } from "../../lab/bench/bench-claims";
import type { BenchResults, UdpPoint } from "../../lab/report/bench-results";
import { BENCH_VERDICTS } from "../../lab/report/bench-results";

const MAIN = join(__dirname, "../../lab/cli/main.ts");

/** The namespaces a process's labs made (netns-backend.ts names them rl-<pid>-…). */
const namespacesOf = (pid: number) =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith(`rl-${pid}-`));

function bench(
  args: string[],
  onStderr?: (text: string, kill: (sig: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; pid: number; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ["-r", "./lab/dev/ts-cache.cjs", MAIN, "bench", "--backend", "netns", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    onStderr?.(stderr, (sig) => child.kill(sig));
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, pid: child.pid!, stdout, stderr })));
}

const root = process.getuid?.() === 0;

(root ? test : test.skip)(
  "a short bench on N=1,2: tables for each N, counts that add up, verdicts from the allowed set, nothing left behind",
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "reuselab-bench-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const { code, pid, stdout, stderr } = await bench([
      "--n",
      "1,2",
      "--duration",
      "700",
      "--json",
      join(dir, "bench.json"),
    ]);
    t.is(code, 0, stderr);
    const file = JSON.parse(readFileSync(join(dir, "bench.json"), "utf8")) as { schema: number; bench: BenchResults };
    t.is(file.schema, 1);
    const r = file.bench;

    t.is(r.machine.backend, "netns");
    t.true(r.machine.cores >= 1);
    t.deepEqual(
      [r.tcp, r.udp, r.udpLoss].map((ps) => ps.map((p) => p.workers)),
      [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
    );
    for (const heading of [
      "TCP: new connections per second",
      "UDP: datagrams per second received",
      "UDP loss at one offered load",
      "Balance:",
      "performance claims",
    ])
      t.true(stdout.includes(heading), heading);
    t.regex(stdout, new RegExp(`${r.machine.cores} cores \\(os\\.cpus\\(\\)\\.length`));

    for (const p of r.tcp) {
      t.is(p.accepted.length, p.workers);
      t.is(p.started, p.completed + p.failed + p.timedOut, `N=${p.workers}: every connection started ended one way`);
      // A connection completes only when a worker accepted it and wrote its byte; one a client gave up on may still be accepted.
      t.true(p.accepted.reduce((a, b) => a + b, 0) >= p.completed);
      t.true(p.completed > 0 && p.connectionsPerSec > 0 && p.windowMs > 0);
      t.true(p.latencyUs.p50! > 0 && p.latencyUs.p99! >= p.latencyUs.p50! && p.latencyUs.max >= p.latencyUs.p99! * 0.9);
    }
    t.is(r.tcp[0]!.ratio, 1);
    t.true(r.tcp[1]!.ratio! > 0);

    const addsUp = (p: UdpPoint, what: string) => {
      const received = p.perWorker.reduce((a, w) => a + w.received, 0);
      const dropped = p.perWorker.reduce((a, w) => a + w.dropped, 0);
      t.is(p.perWorker.length, p.workers);
      t.is(p.received, received);
      t.is(p.lost.socketDrops, dropped);
      t.is(p.lost.unaccounted, 0, `${what} N=${p.workers}: ${JSON.stringify(p.lost)}`);
      t.is(
        p.sent,
        received + dropped + p.lost.backlogDrops + p.lost.noSocket,
        `${what} N=${p.workers}: every datagram sent was received by a worker or dropped where the kernel counts it`,
      );
      // The lab's namespace carries nothing else: its own UDP counters say the same.
      t.is(p.kernel.inDatagrams, received);
      t.is(p.kernel.inErrors, dropped);
      t.true(p.sent > 0 && p.offeredPerSec > 0 && p.receivedPerSec > 0);
      t.true(p.lossPct >= 0 && p.lossPct <= 100);
    };
    for (const p of r.udp) addsUp(p, "throughput");
    for (const p of r.udpLoss) addsUp(p, "loss");
    t.true(r.lossRatePerSec > 0);

    t.deepEqual(
      r.balance.map((b) => [b.what, b.workers]),
      [
        ["tcp connections", 2],
        ["udp source ports", 2],
      ],
    );
    for (const b of r.balance) {
      t.is(b.sharesPct.length, 2);
      t.true(Math.abs(b.sharesPct[0]! + b.sharesPct[1]! - 100) <= 0.11);
      t.true(b.fairness.pValue >= 0 && b.fairness.pValue <= 1);
    }
    t.is(
      r.balance[1]!.samples,
      r.settings.spreadDatagrams,
      "every datagram from a fresh source port was steered to one worker",
    );

    t.deepEqual(
      r.claims.map((c) => c.id),
      Object.values(BENCH_CLAIMS).map((c) => c.id),
    );
    for (const c of r.claims) {
      t.true((BENCH_VERDICTS as readonly string[]).includes(c.verdict), c.verdict);
      t.true(c.reason.length > 20);
      t.true(stdout.includes(c.verdict.toUpperCase()));
    }
    t.deepEqual(namespacesOf(pid), [], "the lab's namespaces are gone");
  },
);

(root ? test : test.skip)("Ctrl-C stops the bench with status 130 and leaves no namespace behind", async (t) => {
  let sent = false;
  const { code, pid, stderr } = await bench(["--n", "1", "--duration", "5000"], (text, kill) => {
    // In the middle of the TCP measurement (5 s): the bench says when it begins.
    if (!sent && text.includes("N=1: measuring tcp")) {
      sent = true;
      kill("SIGINT");
    }
  });
  t.true(sent, stderr);
  t.is(code, 130, stderr);
  t.regex(stderr, /interrupted; removing the lab/);
  t.deepEqual(namespacesOf(pid), []);
});
