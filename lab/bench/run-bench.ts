/**
 * runBench: the seed guide's SO_REUSEPORT performance claims, measured in a lab on this machine. For
 * each worker count N, one fresh lab (so no measurement inherits another's sockets or counters) runs
 * the TCP measurement, then the UDP one, then (N > 1) the UDP spread over many source ports. All load
 * stays between the lab's own actors and is bounded in count and time.
 */
import { cpus, loadavg, release } from "node:os";
import type { Backend } from "../backend/backend";
import { DockerBackend } from "../backend/docker/docker-backend";
import { NetnsBackend } from "../backend/netns/netns-backend";
import { LabError } from "../errors";
import { balanceRow } from "./balance";
import { BenchLab } from "./bench-lab";
import type { BalanceRow, BenchResults, BenchSettings, TcpPoint, UdpPoint } from "../report/bench-results";
import { measureTcp } from "./tcp-bench";
import { measureSpread, measureUdp } from "./udp-bench";
import { judgeClaims } from "./verdicts";

export const BENCH_BACKENDS = ["docker", "netns"] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

export const BENCH_DEFAULTS: BenchSettings = {
  workers: [1, 2, 4],
  durationMs: 2000,
  tcpClients: 2,
  tcpConcurrency: 32,
  udpSenders: 2,
  udpRate: 0,
  lossRate: 0,
  udpSockets: 64,
  udpSize: 512,
  spreadDatagrams: 4000,
};

export interface BenchOptions extends Partial<BenchSettings> {
  backend?: BenchBackend;
  /** Aborting removes the labs at once; runBench then rejects. */
  signal?: AbortSignal;
  /** One line per step, for a console. */
  progress?: (line: string) => void;
}

const TCP_PORT = 7000;
const UDP_PORT = 7001;
const SPREAD_PORT = 7002;
const LOSS_PORT = 7003;

export async function runBench(options: BenchOptions = {}): Promise<BenchResults> {
  const settings = checkSettings(settingsFrom(options));
  const started = Date.now();
  const loadAverage = Math.round(loadavg()[0]! * 10) / 10;
  const progress = options.progress ?? (() => undefined);
  await using backend: Backend = options.backend === "netns" ? new NetnsBackend() : new DockerBackend();
  const abort = () => void backend.abort();
  options.signal?.addEventListener("abort", abort);
  try {
    const prepared = await backend.prepare();
    const kernel = prepared.kernels[0]!;
    const tcp: Omit<TcpPoint, "ratio">[] = [];
    const udp: Omit<UdpPoint, "ratio">[] = [];
    const udpLoss: Omit<UdpPoint, "ratio">[] = [];
    let lossRate = settings.lossRate;
    const balance: BalanceRow[] = [];
    for (const n of settings.workers) {
      checkAborted(options.signal);
      progress(`N=${n}: starting ${n} worker(s), ${settings.tcpClients} client(s), ${settings.udpSenders} sender(s) on ${backend.name}`);
      await using lab = await BenchLab.start(backend, kernel, `bench.n${n}@${kernel.id}`, { workers: n, clients: settings.tcpClients, senders: settings.udpSenders });
      checkAborted(options.signal);
      progress(`N=${n}: measuring tcp for ${settings.durationMs} ms`);
      const t = await measureTcp(lab, n, settings, TCP_PORT);
      tcp.push(t);
      progress(`N=${n}: tcp ${t.connectionsPerSec} connections/s, p99 ${t.latencyUs.p99 ?? "-"} us`);
      checkAborted(options.signal);
      const u = await measureUdp(lab, n, settings, UDP_PORT, settings.udpRate);
      udp.push(u);
      progress(`N=${n}: udp ${u.receivedPerSec} datagrams/s received of ${u.offeredPerSec} offered`);
      lossRate ||= Math.max(settings.udpSenders, Math.round(u.offeredPerSec / 2));
      checkAborted(options.signal);
      const l = await measureUdp(lab, n, settings, LOSS_PORT, Math.ceil(lossRate / settings.udpSenders));
      udpLoss.push(l);
      progress(`N=${n}: udp at ${l.offeredPerSec} datagrams/s offered: ${l.lossPct}% lost`);
      if (n > 1) {
        const tcpRow = balanceRow("tcp connections", t.accepted);
        const udpRow = balanceRow("udp source ports", await measureSpread(lab, n, settings, SPREAD_PORT));
        balance.push(...[tcpRow, udpRow].filter((r): r is BalanceRow => r !== undefined));
      }
    }
    const withRatios = { tcp: withRatio(tcp, (p) => p.connectionsPerSec), udp: withRatio(udp, (p) => p.receivedPerSec), udpLoss: withRatio(udpLoss, (p) => p.receivedPerSec) };
    const cores = cpus().length;
    return {
      machine: { cores, cpuModel: cpus()[0]?.model.trim() ?? "unknown", kernel: kernel.release || release(), backend: backend.name, loadAverage },
      settings,
      ...withRatios,
      lossRatePerSec: lossRate,
      balance,
      claims: judgeClaims({ cores, loadAverage, settings, ...withRatios, balance }),
      durationMs: Date.now() - started,
    };
  } catch (e) {
    checkAborted(options.signal);
    throw e;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
}

export class BenchInterrupted extends Error {
  constructor() {
    super("the bench was interrupted");
    this.name = "BenchInterrupted";
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new BenchInterrupted();
}

function withRatio<P extends { workers: number }>(points: P[], rate: (p: P) => number): (P & { ratio?: number })[] {
  const base = points.find((p) => p.workers === 1);
  return points.map((p) => (base && rate(base) > 0 ? { ...p, ratio: Math.round((rate(p) / rate(base)) * 100) / 100 } : p));
}

/** The defaults, with what the options set. */
export function settingsFrom(options: Partial<BenchSettings>): BenchSettings {
  const s = { ...BENCH_DEFAULTS };
  for (const k of Object.keys(BENCH_DEFAULTS) as (keyof BenchSettings)[]) if (options[k] !== undefined) Object.assign(s, { [k]: options[k] });
  return s;
}

/** Every setting in its range, or one error listing all that are not. */
export function checkSettings(s: BenchSettings): BenchSettings {
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  const problems = [
    s.workers.length === 0 || !s.workers.every((n) => whole(n, 1, 16)) ? `--n ${s.workers.join(",")}: worker counts are whole numbers from 1 to 16` : "",
    new Set(s.workers).size !== s.workers.length ? `--n ${s.workers.join(",")}: a worker count is repeated` : "",
    !whole(s.durationMs, 100, 60_000) ? `--duration ${s.durationMs}: milliseconds from 100 to 60000` : "",
    !whole(s.tcpClients, 1, 8) ? `tcpClients ${s.tcpClients}: 1 to 8` : "",
    !whole(s.tcpConcurrency, 1, 1024) ? `tcpConcurrency ${s.tcpConcurrency}: 1 to 1024` : "",
    !whole(s.udpSenders, 1, 8) ? `udpSenders ${s.udpSenders}: 1 to 8` : "",
    !whole(s.udpRate, 0, 100_000_000) ? `--udp-rate ${s.udpRate}: datagrams a second per sender, 0 for unpaced` : "",
    !whole(s.lossRate, 0, 100_000_000) ? `--loss-rate ${s.lossRate}: datagrams a second, all senders together; 0 for half the first throughput run's` : "",
    !whole(s.udpSockets, 1, 1024) ? `udpSockets ${s.udpSockets}: 1 to 1024` : "",
    !whole(s.udpSize, 1, 1472) ? `udpSize ${s.udpSize}: 1 to 1472 bytes` : "",
    !whole(s.spreadDatagrams, 1, 1_000_000) ? `spreadDatagrams ${s.spreadDatagrams}: 1 to 1000000` : "",
  ].filter(Boolean);
  if (problems.length) throw new LabError("REUSELAB_BAD_ARGS", problems.join("; "));
  return s;
}
