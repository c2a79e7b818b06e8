/**
 * New TCP connections per second, and their latency, with N workers: each worker is its own process
 * with its own listener on one port (N = 1: a plain listener; N > 1: a SO_REUSEPORT group), and each
 * client, in a namespace of its own, keeps `tcpConcurrency` connections in flight for the duration.
 *
 * A connection counts when the client has read the byte the worker writes after accept(): the rate
 * is completed connections over the span from the first connect() to the last byte, on the
 * monotonic clock all the probes share; the latency is connect() to that byte (images/probe/cmd_bench_tcp.c).
 */
import { replyFields } from "../probe/commands";
import type { ProbeReply } from "../probe/protocol";
import { bindWorkers, must, serveDuring, type BenchLab } from "./bench-lab";
import type { BenchSettings, TcpPoint } from "../report/bench-results";
import { cpuBusySince } from "./cpu-usage";
import { mergeHistograms, parseHistogram, percentile } from "./histogram";

/** Far more than any machine completes in a bench's duration: the duration is the real bound. */
const COUNT_PER_CLIENT = 5_000_000;
/** The probe's grace for in-flight connections (GRACE_US), and room for replies to come back. */
const AFTER_MS = 1_000 + 10_000;

export async function measureTcp(
  lab: BenchLab,
  n: number,
  s: BenchSettings,
  port: number,
): Promise<Omit<TcpPoint, "ratio">> {
  const workers = lab.workers(n);
  await bindWorkers(workers, "tcp", "l", port);
  const address = lab.serverAddress();
  const busy = cpuBusySince();
  const { served, loads } = await serveDuring(
    workers,
    ["tcp-serve", "l", String(s.durationMs + AFTER_MS)],
    s.durationMs + 2 * AFTER_MS,
    () =>
      Promise.all(
        lab
          .clients()
          .map((c) =>
            c.call(
              [
                "tcp-load",
                address,
                String(port),
                String(COUNT_PER_CLIENT),
                String(s.durationMs),
                String(s.tcpConcurrency),
              ],
              s.durationMs + AFTER_MS,
            ),
          ),
      ),
  );
  const cpuBusyPct = busy();
  for (const w of workers) await must(w, ["close", "l"]);
  return tcpPoint(n, served, loads, cpuBusyPct);
}

/** The point from the workers' and the clients' replies. */
export function tcpPoint(
  n: number,
  served: readonly ProbeReply[],
  replies: readonly ProbeReply[],
  cpuBusyPct: number,
): Omit<TcpPoint, "ratio"> {
  const loads = replies.map((r) => replyFields("tcp-load", r));
  const sum = (k: "started" | "completed" | "failed" | "timed_out") => loads.reduce((a, r) => a + (r[k] ?? 0), 0);
  const completed = sum("completed");
  const start = Math.min(...loads.map((r) => Number(r.start_us)));
  const end = Math.max(...loads.map((r) => Number(r.end_us)));
  const windowMs = Math.max(0, (end - start) / 1000);
  const hist = mergeHistograms(loads.map((r) => parseHistogram(r.hist)));
  const firstErrno = loads.map((r) => r.first_errno).find((e): e is string => typeof e === "string");
  return {
    workers: n,
    reuseport: n > 1,
    started: sum("started"),
    completed,
    failed: sum("failed"),
    timedOut: sum("timed_out"),
    ...(firstErrno ? { firstErrno } : {}),
    accepted: served.map((r) => Number(replyFields("tcp-serve", r).accepted)),
    windowMs: round(windowMs, 1),
    connectionsPerSec: windowMs > 0 ? Math.round(completed / (windowMs / 1000)) : 0,
    latencyUs: {
      p50: percentile(hist, 50),
      p99: percentile(hist, 99),
      max: Math.max(0, ...loads.map((r) => Number(r.lat_max_us ?? 0))),
    },
    cpuBusyPct,
  };
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}
