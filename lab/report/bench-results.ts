/**
 * What `reuselab bench` measured: the `bench` section of the JSON results (schema 1). Counts are the
 * probes' and the kernel's own; rates are counts over the time the probes report on the monotonic
 * clock all actors share.
 */
import type { Fairness } from "../verdict/fairness";

export interface BenchMachine {
  /** os.cpus().length: what the bench had, load generators included. */
  cores: number;
  cpuModel: string;
  kernel: string;
  backend: string;
  /** The 1-minute load average when the bench started: other work on the machine shares its cores. */
  loadAverage: number;
}

export interface BenchSettings {
  workers: number[];
  durationMs: number;
  tcpClients: number;
  tcpConcurrency: number;
  udpSenders: number;
  /** Datagrams a second per sender in the throughput measurement; 0: as fast as it can. */
  udpRate: number;
  /**
   * Datagrams a second, all senders together, in the loss measurement, which offers every N the same
   * load; 0: half of what the senders offered in the first throughput measurement.
   */
  lossRate: number;
  udpSockets: number;
  udpSize: number;
  spreadDatagrams: number;
}

/** One TCP measurement: N workers, each its own process with its own listener on one port. */
export interface TcpPoint {
  workers: number;
  /** N = 1 is one plain listener; N > 1 share the port with SO_REUSEPORT. */
  reuseport: boolean;
  started: number;
  completed: number;
  failed: number;
  timedOut: number;
  firstErrno?: string;
  /** Connections each worker accepted. */
  accepted: number[];
  /** From the first connect() to the last reply byte, over all clients. */
  windowMs: number;
  connectionsPerSec: number;
  /** To N = 1's rate (undefined when N = 1 was not measured). */
  ratio?: number;
  /** connect() to the worker's reply byte, on the client's clock. */
  latencyUs: { p50?: number; p99?: number; max: number };
  /** The machine's CPUs, busy during the measurement (all of it, not only the lab). */
  cpuBusyPct: number;
}

export interface UdpWorkerCount {
  received: number;
  /** What the kernel dropped at this worker's full receive buffer (SO_MEMINFO drops). */
  dropped: number;
}

/** Where the datagrams that were sent and not received went: each is a kernel counter, but the last. */
export interface UdpLoss {
  socketDrops: number;
  /** Thrown away before any socket, the per-CPU backlog being full (the loopback's rx_dropped). */
  backlogDrops: number;
  /** No socket on the port (udp NoPorts). */
  noSocket: number;
  /** sent - received - the above: 0 when every datagram is accounted for. */
  unaccounted: number;
}

export interface UdpPoint {
  workers: number;
  reuseport: boolean;
  sent: number;
  sendErrors: number;
  offeredPerSec: number;
  perWorker: UdpWorkerCount[];
  received: number;
  lost: UdpLoss;
  lossPct: number;
  /** From the first datagram any worker received to the last. */
  windowMs: number;
  receivedPerSec: number;
  ratio?: number;
  /** The namespace's own udp counters over the measurement, to check the rest against. */
  kernel: { inDatagrams: number; inErrors: number; rcvbufErrors: number };
  cpuBusyPct: number;
}

/** How one reuseport group of N workers split its load. */
export interface BalanceRow {
  what: "tcp connections" | "udp source ports";
  workers: number;
  /** Connections or datagrams, each from its own source port. */
  samples: number;
  /** Each worker's share, in percent. */
  sharesPct: number[];
  fairness: Fairness;
}

export const BENCH_VERDICTS = ["confirmed", "not reproduced", "refuted"] as const;
export type BenchVerdict = (typeof BENCH_VERDICTS)[number];

export interface BenchClaimResult {
  id: string;
  quote: string;
  section: string;
  seedLine: number;
  verdict: BenchVerdict;
  /** What was measured and why the verdict follows from it. */
  reason: string;
}

export interface BenchResults {
  machine: BenchMachine;
  settings: BenchSettings;
  tcp: TcpPoint[];
  /** Throughput: the senders at udpRate (by default as fast as they can). */
  udp: UdpPoint[];
  /** Loss at one offered load for every N: the senders paced to lossRatePerSec together. */
  udpLoss: UdpPoint[];
  lossRatePerSec: number;
  balance: BalanceRow[];
  claims: BenchClaimResult[];
  durationMs: number;
}
