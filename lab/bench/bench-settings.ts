/** What a bench measures with: the defaults, what the options set, and the range of each (checked before any lab starts). */
import { LabError } from "../errors";
import type { BenchSettings } from "../report/bench-results";

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

/** The defaults, with what the options set. */
export function settingsFrom(options: Partial<BenchSettings>): BenchSettings {
  const s = { ...BENCH_DEFAULTS };
  for (const k of Object.keys(BENCH_DEFAULTS) as (keyof BenchSettings)[])
    if (options[k] !== undefined) Object.assign(s, { [k]: options[k] });
  return s;
}

/** Every setting in its range, or one error listing all that are not. */
export function checkSettings(s: BenchSettings): BenchSettings {
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  const problems = [
    s.workers.length === 0 || !s.workers.every((n) => whole(n, 1, 16))
      ? `--n ${s.workers.join(",")}: worker counts are whole numbers from 1 to 16`
      : "",
    new Set(s.workers).size !== s.workers.length ? `--n ${s.workers.join(",")}: a worker count is repeated` : "",
    !whole(s.durationMs, 100, 60_000) ? `--duration ${s.durationMs}: milliseconds from 100 to 60000` : "",
    !whole(s.tcpClients, 1, 8) ? `tcpClients ${s.tcpClients}: 1 to 8` : "",
    !whole(s.tcpConcurrency, 1, 1024) ? `tcpConcurrency ${s.tcpConcurrency}: 1 to 1024` : "",
    !whole(s.udpSenders, 1, 8) ? `udpSenders ${s.udpSenders}: 1 to 8` : "",
    !whole(s.udpRate, 0, 100_000_000) ? `--udp-rate ${s.udpRate}: datagrams a second per sender, 0 for unpaced` : "",
    !whole(s.lossRate, 0, 100_000_000)
      ? `--loss-rate ${s.lossRate}: datagrams a second, all senders together; 0 for half the first throughput run's`
      : "",
    !whole(s.udpSockets, 1, 1024) ? `udpSockets ${s.udpSockets}: 1 to 1024` : "",
    !whole(s.udpSize, 1, 1472) ? `udpSize ${s.udpSize}: 1 to 1472 bytes` : "",
    !whole(s.spreadDatagrams, 1, 1_000_000) ? `spreadDatagrams ${s.spreadDatagrams}: 1 to 1000000` : "",
  ].filter(Boolean);
  if (problems.length) throw new LabError("REUSELAB_BAD_ARGS", problems.join("; "));
  return s;
}
