/**
 * The seed guide's performance claims, which the bench judges (cases/claims.yaml keeps the claims
 * that cases judge; the claims audit wants every one of those named by a case, so these live here).
 * Each quote is verbatim from the seed guide, table borders collapsed to single spaces, with the
 * line it is on; test/bench/bench-logic.test.ts checks them against the guide when it is present.
 */
export interface BenchClaim {
  id: string;
  section: string;
  /** The seed guide's line the quote is on. */
  line: number;
  quote: string;
}

export const BENCH_CLAIMS = {
  tcpConnections: {
    id: "perf-tcp-connections-3-75x",
    section: "Executive Summary > Impact at a Glance",
    line: 64,
    quote: "Connections/sec │ 20,000 │ 75,000 │ (3.75x)",
  },
  p99Latency: {
    id: "perf-p99-latency-50-to-12ms",
    section: "Executive Summary > Impact at a Glance",
    line: 65,
    quote: "Latency (p99) │ 50ms │ 12ms │ (4.2x better)",
  },
  udpThroughput: {
    id: "perf-udp-throughput-5x",
    section: "Executive Summary > Impact at a Glance",
    line: 66,
    quote: "UDP throughput │ 500K pps │ 2.5M pps │ (5x)",
  },
  udpLoss: {
    id: "perf-udp-loss-15-to-0",
    section: "Executive Summary > Impact at a Glance",
    line: 68,
    quote: "Packet loss (UDP) │ 15% │ 0% │ (Eliminated)",
  },
  workerImbalance: {
    id: "perf-worker-imbalance-3pct",
    section: "Real-World Case Studies > Case Study 2: NGINX Web Server",
    line: 1995,
    quote: "Worker imbalance │ ±35% │ ±3%",
  },
} as const satisfies Record<string, BenchClaim>;

/** The seed's benchmarks ("Performance Benchmarks", lines 1320-1412) ran 4 workers on 4 cores. */
export const CLAIM_WORKERS = 4;
