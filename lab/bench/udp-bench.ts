/**
 * UDP datagrams per second received, and the loss, with N workers (N = 1: a plain socket; N > 1: a
 * SO_REUSEPORT group), at an offered load bounded in count, time and (optionally) rate.
 *
 * The senders share the workers' namespace and send to 127.0.0.1, so a datagram the kernel accepted
 * from a sender can only end in three places, each counted by the kernel: a worker's recv, a worker
 * socket's drops (its receive buffer was full), or the loopback's rx_dropped (the per-CPU backlog was
 * full, before any socket). The workers drain their queues after the senders stop; whatever is left
 * over is "unaccounted", and a test checks it is 0.
 */
import { replyFields } from "../probe/commands";
import type { ProbeReply } from "../probe/protocol";
import { bindWorkers, must, serveDuring, type BenchLab } from "./bench-lab";
import type { BenchSettings, UdpLoss, UdpPoint, UdpWorkerCount } from "../report/bench-results";
import { cpuBusySince } from "./cpu-usage";

const COUNT_PER_SENDER = 50_000_000;
/**
 * After the stop, a worker goes on until nothing came for this long: by then the backlog is empty,
 * even where a loaded machine left its softirq work to ksoftirqd for a while.
 */
const QUIET_MS = 200;
const AFTER_MS = 10_000;

/** `ratePerSender`: datagrams a second from each sender, 0 for as fast as it can. */
export async function measureUdp(
  lab: BenchLab,
  n: number,
  s: BenchSettings,
  port: number,
  ratePerSender: number,
): Promise<Omit<UdpPoint, "ratio">> {
  const workers = lab.workers(n);
  const senders = lab.senders();
  await bindWorkers(workers, "udp", "u", port);
  const before = await must(senders[0]!, ["udp-counters"]);
  const busy = cpuBusySince();
  const { served, loads } = await serveDuring(
    workers,
    ["udp-serve", "u", String(s.durationMs + AFTER_MS), String(QUIET_MS)],
    s.durationMs + 2 * AFTER_MS,
    () =>
      Promise.all(
        senders.map((c) =>
          c.call(
            [
              "udp-load",
              "127.0.0.1",
              String(port),
              String(COUNT_PER_SENDER),
              String(s.durationMs),
              String(ratePerSender),
              String(s.udpSockets),
              String(s.udpSize),
            ],
            s.durationMs + AFTER_MS,
          ),
        ),
      ),
  );
  const cpuBusyPct = busy();
  const after = await must(senders[0]!, ["udp-counters"]);
  for (const w of workers) await must(w, ["close", "u"]);
  return udpPoint(n, served, loads, counterDelta(before, after), cpuBusyPct);
}

/**
 * Each worker's share of datagrams sent from as many source ports (a fresh socket each), which is
 * how the kernel spreads flows: received plus what that worker's socket dropped.
 */
export async function measureSpread(lab: BenchLab, n: number, s: BenchSettings, port: number): Promise<number[]> {
  const workers = lab.workers(n);
  await bindWorkers(workers, "udp", "v", port);
  const { served } = await serveDuring(
    workers,
    ["udp-serve", "v", String(AFTER_MS), String(QUIET_MS)],
    2 * AFTER_MS,
    async () => [
      await must(lab.senders()[0]!, ["sendvary", "4", "127.0.0.1", String(port), String(s.spreadDatagrams)], AFTER_MS),
    ],
  );
  for (const w of workers) await must(w, ["close", "v"]);
  return served.map((r) => Number(r.received) + Math.max(0, Number(r.drops)));
}

export interface CounterDelta {
  inDatagrams: number;
  inErrors: number;
  rcvbufErrors: number;
  noPorts: number;
  loopbackDrops: number;
}

/** The namespace's counters over the measurement (udp-counters before and after). */
export function counterDelta(before: ProbeReply, after: ProbeReply): CounterDelta {
  const udp = (r: ProbeReply, k: string) => Number(replyFields("udp-counters", r).udp?.[k] ?? 0);
  const lo = (r: ProbeReply) => Number(replyFields("udp-counters", r).rx_dropped?.lo ?? 0);
  const d = (k: string) => udp(after, k) - udp(before, k);
  return {
    inDatagrams: d("InDatagrams"),
    inErrors: d("InErrors"),
    rcvbufErrors: d("RcvbufErrors"),
    noPorts: d("NoPorts"),
    loopbackDrops: lo(after) - lo(before),
  };
}

export function udpPoint(
  n: number,
  serveReplies: readonly ProbeReply[],
  loadReplies: readonly ProbeReply[],
  kernel: CounterDelta,
  cpuBusyPct: number,
): Omit<UdpPoint, "ratio"> {
  const served = serveReplies.map((r) => replyFields("udp-serve", r));
  const loads = loadReplies.map((r) => replyFields("udp-load", r));
  const perWorker: UdpWorkerCount[] = served.map((r) => ({
    received: Number(r.received),
    dropped: Math.max(0, Number(r.drops)),
  }));
  const sent = loads.reduce((a, r) => a + Number(r.sent), 0);
  const received = perWorker.reduce((a, w) => a + w.received, 0);
  // A kernel without SO_MEMINFO (before 4.12) answers -1: then the namespace's InErrors stand in.
  const perSocketKnown = served.every((r) => Number(r.drops) >= 0);
  const socketDrops = perSocketKnown ? perWorker.reduce((a, w) => a + w.dropped, 0) : kernel.inErrors;
  const lost: UdpLoss = { socketDrops, backlogDrops: kernel.loopbackDrops, noSocket: kernel.noPorts, unaccounted: 0 };
  lost.unaccounted = sent - received - lost.socketDrops - lost.backlogDrops - lost.noSocket;
  const sendStart = Math.min(...loads.map((r) => Number(r.start_us)));
  const sendEnd = Math.max(...loads.map((r) => Number(r.end_us)));
  const firsts = served.map((r) => Number(r.first_us)).filter((t) => t > 0);
  const windowMs = firsts.length ? (Math.max(...served.map((r) => Number(r.last_us))) - Math.min(...firsts)) / 1000 : 0;
  return {
    workers: n,
    reuseport: n > 1,
    sent,
    sendErrors: loads.reduce((a, r) => a + Number(r.send_errors ?? 0), 0),
    offeredPerSec: sendEnd > sendStart ? Math.round(sent / ((sendEnd - sendStart) / 1e6)) : 0,
    perWorker,
    received,
    lost,
    lossPct: sent ? Math.round(((sent - received) / sent) * 10000) / 100 : 0,
    windowMs: Math.round(windowMs * 10) / 10,
    receivedPerSec: windowMs > 0 ? Math.round(received / (windowMs / 1000)) : 0,
    kernel: { inDatagrams: kernel.inDatagrams, inErrors: kernel.inErrors, rcvbufErrors: kernel.rcvbufErrors },
    cpuBusyPct,
  };
}
