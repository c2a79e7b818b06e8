/**
 * runBench: the seed guide's SO_REUSEPORT performance claims, measured in a lab on this machine. For
 * each worker count N, one fresh lab (so no measurement inherits another's sockets or counters) runs
 * the TCP measurement, then the UDP one, then (N > 1) the UDP spread over many source ports. All load
 * stays between the lab's own actors and is bounded in count and time.
 */
import { cpus, loadavg, release } from "node:os";
import type { Backend } from "../backend/backend";
import { DockerBackend } from "../backend/docker/docker-backend";
import type { HostBackend } from "../backend/host-backends";
import { NetnsBackend } from "../backend/netns/netns-backend";
import { throwIfInterrupted } from "../interruption";
import { balanceRow } from "./balance";
import { BenchLab } from "./bench-lab";
import type { BalanceRow, BenchResults, BenchSettings, TcpPoint, UdpPoint } from "../report/bench-results";
import { checkSettings, settingsFrom } from "./bench-settings";
import { measureTcp } from "./tcp-bench";
import { measureSpread, measureUdp } from "./udp-bench";
import { judgeClaims } from "./verdicts";

export interface BenchOptions extends Partial<BenchSettings> {
  backend?: HostBackend;
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
      throwIfInterrupted(options.signal, "the bench");
      progress(
        `N=${n}: starting ${n} worker(s), ${settings.tcpClients} client(s), ${settings.udpSenders} sender(s) on ${backend.name}`,
      );
      await using lab = await BenchLab.start(backend, kernel, `bench.n${n}@${kernel.id}`, {
        workers: n,
        clients: settings.tcpClients,
        senders: settings.udpSenders,
      });
      throwIfInterrupted(options.signal, "the bench");
      progress(`N=${n}: measuring tcp for ${settings.durationMs} ms`);
      const t = await measureTcp(lab, n, settings, TCP_PORT);
      tcp.push(t);
      progress(`N=${n}: tcp ${t.connectionsPerSec} connections/s, p99 ${t.latencyUs.p99 ?? "-"} us`);
      throwIfInterrupted(options.signal, "the bench");
      const u = await measureUdp(lab, n, settings, UDP_PORT, settings.udpRate);
      udp.push(u);
      progress(`N=${n}: udp ${u.receivedPerSec} datagrams/s received of ${u.offeredPerSec} offered`);
      lossRate ||= Math.max(settings.udpSenders, Math.round(u.offeredPerSec / 2));
      throwIfInterrupted(options.signal, "the bench");
      const l = await measureUdp(lab, n, settings, LOSS_PORT, Math.ceil(lossRate / settings.udpSenders));
      udpLoss.push(l);
      progress(`N=${n}: udp at ${l.offeredPerSec} datagrams/s offered: ${l.lossPct}% lost`);
      if (n > 1) {
        const tcpRow = balanceRow("tcp connections", t.accepted);
        const udpRow = balanceRow("udp source ports", await measureSpread(lab, n, settings, SPREAD_PORT));
        balance.push(...[tcpRow, udpRow].filter((r): r is BalanceRow => r !== undefined));
      }
    }
    const withRatios = {
      tcp: withRatio(tcp, (p) => p.connectionsPerSec),
      udp: withRatio(udp, (p) => p.receivedPerSec),
      udpLoss: withRatio(udpLoss, (p) => p.receivedPerSec),
    };
    const cores = cpus().length;
    return {
      machine: {
        cores,
        cpuModel: cpus()[0]?.model.trim() ?? "unknown",
        kernel: kernel.release || release(),
        backend: backend.name,
        loadAverage,
      },
      settings,
      ...withRatios,
      lossRatePerSec: lossRate,
      balance,
      claims: judgeClaims({ cores, loadAverage, settings, ...withRatios, balance }),
      durationMs: Date.now() - started,
    };
  } catch (e) {
    throwIfInterrupted(options.signal, "the bench");
    throw e;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
}

function withRatio<P extends { workers: number }>(points: P[], rate: (p: P) => number): (P & { ratio?: number })[] {
  const base = points.find((p) => p.workers === 1);
  return points.map((p) =>
    base && rate(base) > 0 ? { ...p, ratio: Math.round((rate(p) / rate(base)) * 100) / 100 } : p,
  );
}
