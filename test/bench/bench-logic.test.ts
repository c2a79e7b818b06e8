// The bench's arithmetic and judgement, without a lab: histograms, balance, verdicts, settings, output.
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { balanceRow, chanceDeviationPct, samplesForDeviation } from "../../lab/bench/balance";
import { BENCH_CLAIMS } from "../../lab/bench/bench-claims";
import { benchPage } from "../../lab/bench/bench-html";
import { resultsFile } from "../../lab/bench/bench-main";
import { formatBench } from "../../lab/bench/bench-report";
import { BENCH_VERDICTS, type BenchResults, type TcpPoint, type UdpPoint } from "../../lab/report/bench-results";
import { bucketOf, bucketRange, mergeHistograms, percentile } from "../../lab/bench/histogram";
import { BENCH_DEFAULTS, checkSettings, settingsFrom } from "../../lab/bench/bench-settings";
import { judgeClaims, judgeImbalance, judgeLoss, judgeScaling } from "../../lab/bench/verdicts";
import { fixedWorkCpuMs } from "../../lab/bench/machine-speed";

// The guide lives in the project's shared/ folder, beside the clone (CI lays a copy there).
const SEED_NAME = "shared/seed/000_8fb25f9e0b728620.txt";
const SEED = [join(__dirname, "../../..", SEED_NAME), join("/work", SEED_NAME)].find((p) => existsSync(p));

test("the machine-speed loop does the same work every time, and that work takes CPU", (t) => {
  const [a, b] = [fixedWorkCpuMs(), fixedWorkCpuMs()];
  t.is(a.result, b.result);
  t.not(fixedWorkCpuMs(1_000).result, a.result, "the result depends on the work done");
  t.true(a.ms > 0 && Number.isFinite(a.ms));
});

test("histogram buckets: exact below 8, at most 12.5% wide above, and bucketOf inverts bucketRange", (t) => {
  t.deepEqual([0, 1, 7, 8, 15, 16, 17, 18, 31, 32].map(bucketOf), [0, 1, 7, 8, 15, 16, 16, 17, 23, 24]);
  for (let i = 0; i < 250; i++) {
    const [low, high] = bucketRange(i);
    t.is(bucketOf(low), i);
    t.is(bucketOf(high - 1), i);
    if (low >= 8) t.true((high - low) / low <= 0.125);
  }
});

test("percentiles come from the merged histogram: the middle of the bucket holding the ranked value", (t) => {
  const h = mergeHistograms([{ [bucketOf(5)]: 50 }, { [bucketOf(5)]: 48, [bucketOf(1000)]: 2 }]);
  t.is(percentile(h, 50), 5);
  t.is(percentile(h, 98), 5);
  const [low, high] = bucketRange(bucketOf(1000));
  t.is(percentile(h, 99), (low + high) / 2);
  t.true(Math.abs(percentile(h, 99)! - 1000) / 1000 < 0.07);
  t.is(percentile({}, 50), undefined);
});

test("balance: shares in percent, and how far chance alone spreads an even split", (t) => {
  const row = balanceRow("tcp connections", [2600, 2400, 2500, 2500])!;
  t.deepEqual(row.sharesPct, [26, 24, 25, 25]);
  t.is(row.samples, 10_000);
  t.is(row.fairness.maxDeviationPct, 4);
  t.is(balanceRow("tcp connections", [5]), undefined, "one worker has no balance");
  t.true(Math.abs(chanceDeviationPct(4, 20_000) - 3.06) < 0.01);
  t.true(chanceDeviationPct(4, samplesForDeviation(4, 3)) <= 3);
});

const scaling = { claimed: 3.75, what: "connections/s", loadGenerators: 2, loadAverage: 0 };

test("scaling verdicts: confirmed only where the cores could show it, refuted only on a machine that could", (t) => {
  const r = (four: number) =>
    new Map([
      [1, 1],
      [2, Math.min(2, four)],
      [4, four],
    ]);
  t.is(judgeScaling({ ...scaling, ratios: r(3.6), cores: 8 }).verdict, "confirmed");
  t.is(judgeScaling({ ...scaling, ratios: r(2.1), cores: 8 }).verdict, "refuted");
  const two = judgeScaling({ ...scaling, ratios: r(1.05), cores: 2, busyAtOne: 99 });
  t.is(two.verdict, "not reproduced");
  t.regex(two.reason, /Only 2 cores for 4 workers and 2 load generators; no gain/);
  // 3.8x on 2 cores is no multi-core speed-up: N processes took N shares of a saturated machine.
  const share = judgeScaling({ ...scaling, ratios: r(3.8), cores: 2, loadAverage: 9 });
  t.is(share.verdict, "not reproduced");
  t.regex(share.reason, /N shares of CPU time .*\(load average 9\)/);
  t.regex(
    judgeScaling({
      ...scaling,
      ratios: new Map([
        [1, 1],
        [2, 1.5],
      ]),
      cores: 8,
    }).reason,
    /no run with both 1 and 4 workers/,
  );
});

const udp = (workers: number, lossPct: number, offeredPerSec: number) =>
  ({ workers, lossPct, offeredPerSec }) as UdpPoint;

test("loss verdicts: the same offered load, loss to eliminate, and then the cores", (t) => {
  t.is(judgeLoss([udp(1, 15, 1e6), udp(4, 0, 1e6)], 2, 2).verdict, "confirmed");
  t.regex(judgeLoss([udp(1, 0.2, 1e6), udp(4, 0, 1e6)], 8, 2).reason, /no loss to eliminate/);
  t.regex(judgeLoss([udp(1, 15, 1e6), udp(4, 0, 5e5)], 8, 2).reason, /Not at one offered load/);
  t.is(judgeLoss([udp(1, 15, 1e6), udp(4, 6, 1e6)], 2, 2).verdict, "not reproduced");
  t.is(judgeLoss([udp(1, 15, 1e6), udp(4, 6, 1e6)], 8, 2).verdict, "refuted");
});

test("imbalance verdicts: within ±3%, decisively uneven, or too few samples to tell", (t) => {
  const row = (counts: number[]) => [balanceRow("tcp connections", counts)!];
  t.is(judgeImbalance(row([5050, 4950, 5000, 5000])).verdict, "confirmed");
  t.is(judgeImbalance(row([7000, 3000, 5000, 5000])).verdict, "refuted");
  const few = judgeImbalance(row([110, 90, 100, 100]));
  t.is(few.verdict, "not reproduced");
  t.regex(few.reason, /needs about 20834 connections/);
  t.is(judgeImbalance([]).verdict, "not reproduced");
});

test("settings: defaults, what the options set, and every bad one in one error", (t) => {
  t.deepEqual(settingsFrom({}), BENCH_DEFAULTS);
  t.deepEqual(settingsFrom({ workers: [1, 3], durationMs: undefined }).workers, [1, 3]);
  t.false("backend" in settingsFrom({ backend: "netns" } as never));
  const e = t.throws(() => checkSettings({ ...BENCH_DEFAULTS, workers: [1, 1, 40], durationMs: 5 }));
  t.regex(
    e!.message,
    /--n 1,1,40: worker counts are whole numbers from 1 to 16; --n 1,1,40: a worker count is repeated; --duration 5/,
  );
});

test("each claim's quote is on its line of the seed guide (table borders collapsed)", (t) => {
  if (!SEED)
    return t.fail(
      `the seed guide (${SEED_NAME}) is neither beside the clone nor in /work: the claims cannot be checked`,
    );
  const lines = readFileSync(SEED, "utf8").split("\n");
  const squash = (s: string) => s.replace(/\s+/g, " ").trim();
  for (const c of Object.values(BENCH_CLAIMS))
    t.true(squash(lines[c.line - 1] ?? "").includes(c.quote), `${c.id}: line ${c.line}`);
});

const tcpPoint = (workers: number, rate: number, accepted: number[]): TcpPoint => ({
  workers,
  reuseport: workers > 1,
  started: 100,
  completed: 100,
  failed: 0,
  timedOut: 0,
  accepted,
  windowMs: 1000,
  connectionsPerSec: rate,
  ratio: rate / 1000,
  latencyUs: { p50: 500, p99: 2000, max: 3000 },
  cpuBusyPct: 97,
});
const udpPoint = (workers: number): UdpPoint => ({
  workers,
  reuseport: workers > 1,
  sent: 100,
  sendErrors: 0,
  offeredPerSec: 1000,
  perWorker: Array.from({ length: workers }, () => ({ received: 90 / workers, dropped: 10 / workers })),
  received: 90,
  lost: { socketDrops: 10, backlogDrops: 0, noSocket: 0, unaccounted: 0 },
  lossPct: 10,
  windowMs: 100,
  receivedPerSec: 900,
  ratio: 1,
  kernel: { inDatagrams: 90, inErrors: 10, rcvbufErrors: 10 },
  cpuBusyPct: 50,
});

function fakeResults(): BenchResults {
  const measured = {
    settings: BENCH_DEFAULTS,
    tcp: [tcpPoint(1, 1000, [100]), tcpPoint(4, 1500, [25, 25, 25, 25])],
    udp: [udpPoint(1), udpPoint(4)],
    udpLoss: [udpPoint(1), udpPoint(4)],
    balance: [balanceRow("tcp connections", [25, 25, 25, 25])!],
  };
  return {
    machine: { cores: 2, cpuModel: "test", kernel: "6.1", backend: "netns", loadAverage: 1 },
    ...measured,
    lossRatePerSec: 1000,
    claims: judgeClaims({ cores: 2, loadAverage: 1, ...measured }),
    durationMs: 1,
  };
}

test("the console shows a table per measurement with each N and its ratio, the core count, and a verdict per claim", (t) => {
  const r = fakeResults();
  const text = formatBench(r);
  for (const heading of [
    "TCP: new connections per second",
    "UDP: datagrams per second received",
    "UDP loss at one offered load",
    "Balance:",
    "performance claims",
  ])
    t.true(text.includes(heading), heading);
  t.regex(text, /2 cores \(os\.cpus\(\)\.length/);
  t.regex(text, /│ 4 +│ 1,500 +│ 1\.50x/);
  t.is(r.claims.length, 5);
  for (const c of r.claims) {
    t.true((BENCH_VERDICTS as readonly string[]).includes(c.verdict));
    t.true(text.includes(c.verdict.toUpperCase()));
  }
  t.false(text.includes("\u001b["), "no colour unless asked");
});

test("the JSON file is schema 1 with a bench section, and the HTML page has the scaling chart", (t) => {
  const file = JSON.parse(JSON.stringify(resultsFile(fakeResults()))) as Record<string, unknown>;
  t.like(file, { schema: 1, runs: [], claims: [], kernels: [{ id: "host", release: "6.1" }] });
  t.deepEqual(Object.keys(file.bench as object).sort(), [
    "balance",
    "claims",
    "durationMs",
    "lossRatePerSec",
    "machine",
    "settings",
    "tcp",
    "udp",
    "udpLoss",
  ]);
  const page = benchPage(fakeResults());
  t.regex(page, /<svg [^>]*aria-label="scaling with N workers/);
  t.regex(page, /TCP connections\/s, N=4: 1\.50x/);
  t.regex(page, /Connections\/sec │ 20,000/);
});
