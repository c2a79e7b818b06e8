/**
 * How evenly a reuseport group spread its load: the largest deviation from the mean, in percent, and
 * Pearson's chi-square against a uniform spread with its p-value. A spread is "fair" unless the test
 * rejects uniformity at p < 1e-6: a hash that works never fails that by chance (so the check does not
 * flake), while one socket taking most of the load fails it by far.
 */
export interface Fairness {
  mean: number;
  maxDeviationPct: number;
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  fair: boolean;
}

export const FAIR_P = 1e-6;

export function fairness(counts: readonly number[]): Fairness | undefined {
  const k = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (k < 2 || total === 0) return undefined;
  const mean = total / k;
  const chiSquare = counts.reduce((sum, c) => sum + (c - mean) ** 2 / mean, 0);
  const maxDeviationPct = (Math.max(...counts.map((c) => Math.abs(c - mean))) / mean) * 100;
  const pValue = chiSquarePValue(chiSquare, k - 1);
  return {
    mean,
    maxDeviationPct: round(maxDeviationPct, 1),
    chiSquare: round(chiSquare, 2),
    degreesOfFreedom: k - 1,
    pValue: Number(pValue.toPrecision(3)),
    fair: pValue >= FAIR_P,
  };
}

/** P(X >= x) for X chi-square with `df` degrees of freedom: the regularized upper gamma Q(df/2, x/2). */
export function chiSquarePValue(x: number, df: number): number {
  if (x <= 0) return 1;
  return upperGammaQ(df / 2, x / 2);
}

// Numerical Recipes (2nd ed.) 6.2: gammq by series for x < a+1, else by continued fraction.
function upperGammaQ(a: number, x: number): number {
  const lnGammaA = lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

// Lanczos approximation (g = 7, n = 9).
function lnGamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  z -= 1;
  let x = c[0]!;
  for (let i = 1; i < g + 2; i++) x += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
