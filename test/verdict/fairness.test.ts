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
  for (const [x, df, p] of table) t.true(Math.abs(chiSquarePValue(x, df) - p) < p * 0.01, `${x}, ${df}: ${chiSquarePValue(x, df)}`);
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
