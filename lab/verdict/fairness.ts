/**
 * How evenly a reuseport group spread its load: the largest deviation from the mean, in percent, and
 * Pearson's chi-square against a uniform spread, with its critical value at p = 0.001 (a spread is
 * "fair" when the test does not reject uniformity at that level).
 */
export interface Fairness {
  mean: number;
  maxDeviationPct: number;
  chiSquare: number;
  degreesOfFreedom: number;
  /** chi-square above this rejects "uniform" at p = 0.001 */
  critical: number;
  fair: boolean;
}

// Upper 0.1% points of the chi-square distribution, for 1 to 15 degrees of freedom.
const CRITICAL_0_001 = [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588, 31.264, 32.909, 34.528, 36.123, 37.697];

export function fairness(counts: readonly number[]): Fairness | undefined {
  const k = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (k < 2 || total === 0 || k - 1 > CRITICAL_0_001.length) return undefined;
  const mean = total / k;
  const chiSquare = counts.reduce((sum, c) => sum + (c - mean) ** 2 / mean, 0);
  const maxDeviationPct = (Math.max(...counts.map((c) => Math.abs(c - mean))) / mean) * 100;
  const critical = CRITICAL_0_001[k - 2]!;
  return { mean, maxDeviationPct: round(maxDeviationPct, 1), chiSquare: round(chiSquare, 2), degreesOfFreedom: k - 1, critical, fair: chiSquare <= critical };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
