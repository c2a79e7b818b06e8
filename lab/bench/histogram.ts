/**
 * The probe's latency histograms (images/probe/bench.c): microseconds in log-linear buckets, values
 * below 8 exactly, then 8 buckets per power of two, so a bucket is at most 12.5% wide. Histograms
 * from several clients add up bucket by bucket; a percentile is read from the sum.
 */
export type Histogram = Record<number, number>;

/** The values bucket `i` holds: [low, high). */
export function bucketRange(i: number): [number, number] {
  if (i < 8) return [i, i + 1];
  const shift = Math.floor(i / 8) - 1;
  const low = (8 + (i % 8)) * 2 ** shift;
  return [low, low + 2 ** shift];
}

/** The bucket a value falls in: the inverse of bucketRange. */
export function bucketOf(us: number): number {
  if (us < 8) return Math.max(0, Math.floor(us));
  const octave = Math.floor(Math.log2(us));
  return (octave - 2) * 8 + (Math.floor(us / 2 ** (octave - 3)) % 8);
}

/** Reads the probe's "hist" object ({"37": 12, …}). */
export function parseHistogram(raw: unknown): Histogram {
  const h: Histogram = {};
  if (typeof raw !== "object" || raw === null) return h;
  for (const [k, v] of Object.entries(raw)) if (Number.isInteger(Number(k)) && typeof v === "number") h[Number(k)] = v;
  return h;
}

export function mergeHistograms(hs: readonly Histogram[]): Histogram {
  const sum: Histogram = {};
  for (const h of hs) for (const [k, v] of Object.entries(h)) sum[Number(k)] = (sum[Number(k)] ?? 0) + v;
  return sum;
}

export function histogramCount(h: Histogram): number {
  return Object.values(h).reduce((a, b) => a + b, 0);
}

/**
 * The p-th percentile (0 < p <= 100): the middle of the bucket that holds the value ranked
 * ceil(p% of n), so within 6.25% of the true value. Undefined for an empty histogram.
 */
export function percentile(h: Histogram, p: number): number | undefined {
  const n = histogramCount(h);
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (const i of Object.keys(h)
    .map(Number)
    .sort((a, b) => a - b)) {
    seen += h[i]!;
    if (seen >= rank) {
      const [low, high] = bucketRange(i);
      return high - low === 1 ? low : (low + high) / 2;
    }
  }
  return undefined;
}
