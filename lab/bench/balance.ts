/**
 * How a reuseport group split its load: each worker's share, the largest deviation from an even
 * split and a chi-square test against one (lab/verdict/fairness.ts). SO_REUSEPORT picks a member by
 * a hash of each connection's or datagram's addresses and ports, not by how busy a member is, so
 * the spread is only as even as many independent hashes make it: the samples here are connections,
 * or datagrams each from a fresh source port.
 */
import { fairness } from "../verdict/fairness";
import type { BalanceRow } from "../report/bench-results";

export function balanceRow(what: BalanceRow["what"], counts: readonly number[]): BalanceRow | undefined {
  const f = fairness(counts);
  if (!f) return undefined;
  const samples = counts.reduce((a, b) => a + b, 0);
  return {
    what,
    workers: counts.length,
    samples,
    sharesPct: counts.map((c) => Math.round((c / samples) * 1000) / 10),
    fairness: f,
  };
}

/**
 * The largest deviation from the mean (in percent) that an even random spread of `samples` over
 * `workers` stays within about 95 times in 100: 2.5 standard deviations of one worker's count.
 */
export function chanceDeviationPct(workers: number, samples: number): number {
  if (workers < 2 || samples <= 0) return Number.POSITIVE_INFINITY;
  return 2.5 * Math.sqrt((workers - 1) / samples) * 100;
}

/** How many samples make chance alone stay within `pct` percent (the inverse of chanceDeviationPct). */
export function samplesForDeviation(workers: number, pct: number): number {
  return Math.ceil((workers - 1) * (2.5 / (pct / 100)) ** 2);
}
