import test from "ava";
import { chiSquarePValue, fairness } from "../../lab/verdict/fairness";

test("chi-square p-values match the published table", (t) => {
  // Upper-tail critical values: p = 0.05 and 0.001 for 1, 3 and 10 degrees of freedom.
  const table: [number, number, number][] = [
    [3.841, 1, 0.05],
    [7.815, 3, 0.05],
    [16.266, 3, 0.001],
    [18.307, 10, 0.05],
    [29.588, 10, 0.001],
  ];
  for (const [x, df, p] of table)
    t.true(Math.abs(chiSquarePValue(x, df) - p) < p * 0.01, `${x}, ${df}: ${chiSquarePValue(x, df)}`);
  t.is(chiSquarePValue(0, 3), 1);
});

test("an even spread is fair, one socket taking everything is not", (t) => {
  const even = fairness([50, 48, 53, 49])!;
  t.true(even.fair);
  t.is(even.maxDeviationPct, 6);
  t.is(even.degreesOfFreedom, 3);
  const skewed = fairness([200, 0, 0, 0])!;
  t.false(skewed.fair);
  t.is(skewed.chiSquare, 600);
  t.true(skewed.pValue < 1e-100);
  t.is(fairness([0, 0, 0]), undefined, "nothing to judge");
  t.is(fairness([10]), undefined, "one member cannot be uneven");
});

test("p-values on both sides of the computation: small statistics (series) and large ones (continued fraction)", (t) => {
  // Published critical values of the chi-square distribution: [x, degrees of freedom, P(X >= x)].
  const table: [number, number, number][] = [
    [0.00393, 1, 0.95],
    [10.828, 1, 0.001],
    [0.103, 2, 0.95],
    [5.991, 2, 0.05],
    [1.145, 5, 0.95],
    [11.07, 5, 0.05],
    [31.41, 20, 0.05],
    [10.851, 20, 0.95],
  ];
  for (const [x, df, p] of table)
    t.true(Math.abs(chiSquarePValue(x, df) - p) < p * 0.01, `${x}, ${df}: ${chiSquarePValue(x, df)}`);
  t.is(chiSquarePValue(-1, 2), 1);
});

test("fair is p >= 1e-6: on 100 datagrams over two sockets, 74/26 is fair, 75/25 is not", (t) => {
  // chi-square = (a - b)^2 / n with one degree of freedom: 23.04 (p = 1.6e-6) and 25 (p = 5.7e-7).
  const fair = fairness([74, 26])!;
  t.is(fair.chiSquare, 23.04);
  t.true(fair.pValue > 1.5e-6 && fair.pValue < 1.7e-6, String(fair.pValue));
  t.true(fair.fair);
  const uneven = fairness([75, 25])!;
  t.is(uneven.chiSquare, 25);
  t.true(uneven.pValue > 5.6e-7 && uneven.pValue < 5.8e-7, String(uneven.pValue));
  t.false(uneven.fair);
});

test("the figures are rounded for reading: deviation to 0.1%, chi-square to 0.01, p to 3 significant digits", (t) => {
  const f = fairness([1, 2])!; // mean 1.5, deviation 0.5 (33.33…%), chi-square 1/3
  t.is(f.mean, 1.5);
  t.is(f.maxDeviationPct, 33.3);
  t.is(f.chiSquare, 0.33);
  t.is(f.degreesOfFreedom, 1);
  t.is(f.pValue, Number(f.pValue.toPrecision(3)));
  t.true(Math.abs(f.pValue - 0.564) < 0.001, String(f.pValue)); // P(X >= 1/3), one degree of freedom: erfc(sqrt(1/6))
  t.is(fairness([0, 5])!.maxDeviationPct, 100);
});

test("fewer than one degree of freedom (the gamma function's reflection): p-values match a direct integration", (t) => {
  // df = 0.5: P(X >= x) = 1 - γ(1/4, x/2) / Γ(1/4), and γ(1/4, y) = 4 ∫_0^{y^(1/4)} e^(-u^4) du (t = u^4), by Simpson's rule.
  const GAMMA_QUARTER = 3.625609908221908;
  const direct = (x: number) => {
    const top = (x / 2) ** 0.25;
    const n = 2000;
    const h = top / n;
    let s = 0;
    for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 4));
    return 1 - (4 * s * h) / 3 / GAMMA_QUARTER;
  };
  // 0.5 and 2 by the series (x/2 < df/2 + 1), 6 and 20 by the continued fraction.
  for (const x of [0.5, 2, 6, 20])
    t.true(
      Math.abs(chiSquarePValue(x, 0.5) - direct(x)) < direct(x) * 1e-6,
      `${x}: ${chiSquarePValue(x, 0.5)} vs ${direct(x)}`,
    );
});

test("the largest deviation counts whichever side of the mean it is on", (t) => {
  // mean 3: 0 is 3 below it (100%), 5 only 2 above (66.7%).
  t.is(fairness([0, 4, 5])!.maxDeviationPct, 100);
  t.is(fairness([6, 2, 1])!.maxDeviationPct, 100);
});

test("even degrees of freedom have a closed form, e^(-x/2)·Σ_{j<df/2} (x/2)^j/j!: p-values match it to 12 digits", (t) => {
  const closed = (x: number, df: number) => {
    let term = 1;
    let sum = 1;
    for (let j = 1; j < df / 2; j++) sum += term *= x / 2 / j;
    return Math.exp(-x / 2) * sum;
  };
  // Both methods (series below x/2 = df/2 + 1, continued fraction above) and p-values down to 1e-65.
  for (const df of [2, 4, 6, 10]) {
    for (const x of [0.01, 0.5, 1, 3, 5.9, 6, 10, 40, 100, 300]) {
      const p = chiSquarePValue(x, df);
      t.true(Math.abs(p / closed(x, df) - 1) < 1e-12, `df ${df}, x ${x}: ${p} vs ${closed(x, df)}`);
    }
  }
});
