/**
 * Each LabError code has its exit status (a Record: a new code does not compile without one), and the
 * README's table says the same: every code once, with that status, and no code the lab does not have.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../lab/package-root";
import { EXIT, EXIT_FOR_CODE } from "../../lab/exit-codes";

const README = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");

test("the README's table of codes lists every code once, with the exit status the CLI gives it", (t) => {
  const rows = [...README.matchAll(/^\| `(REUSELAB_[A-Z_]+)` \| [^|]+ \| (\d+) \|$/gm)].map(
    (m) => [m[1]!, Number(m[2])] as const,
  );
  t.deepEqual(rows.map(([code]) => code).sort(), Object.keys(EXIT_FOR_CODE).sort());
  t.deepEqual(Object.fromEntries(rows), { ...EXIT_FOR_CODE });
});

test("only an interruption ends with 130; every other code is bad input or environment (2), never a run's failure (1)", (t) => {
  const byStatus = Object.entries(EXIT_FOR_CODE).filter(([, status]) => status !== EXIT.badInput);
  t.deepEqual(byStatus, [["REUSELAB_INTERRUPTED", EXIT.interrupted]]);
});
