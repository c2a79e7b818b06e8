// bench:lab's arguments are checked before anything is measured: a wrong one exits 2 naming it and
// what it may be, and no scratch folder, lab or guest is made.
import test from "ava";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { scratch } from "../scratch";

const bench = (args: string[]) => {
  const tmp = scratch("lab-bench");
  const r = spawnSync(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/bench/lab-bench.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, TMPDIR: tmp },
  });
  return { status: r.status, stderr: r.stderr, left: readdirSync(tmp).filter((n) => n.startsWith("reuselab-")) };
};

test("--only with a part that does not exist: exit 2, the part and the parts there are", (t) => {
  const r = bench(["--only", "cli,matrixx"]);
  t.is(r.status, 2);
  t.regex(r.stderr, /--only matrixx: not one of cli, shipped, generated, guest, matrix/);
  t.deepEqual(r.left, []);
});

for (const [option, part, bad] of [
  ["--jobs", "cli", ["0", "two", "1.5"]],
  ["--pairs", "shipped", ["0", "three", "2.5"]],
] as const)
  test(`${option} that is not a whole number of 1 or more: exit 2`, (t) => {
    for (const value of bad) {
      const r = bench(["--only", part, option, value]);
      t.is(r.status, 2, value);
      t.regex(r.stderr, new RegExp(`${option} ${value.replace(".", "\\.")}: 1 or more`), value);
      t.deepEqual(r.left, [], value);
    }
  });
