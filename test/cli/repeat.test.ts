// --repeat N: a short line per repetition, and the runs whose verdict changed between repetitions.
// On the netns backend (root, no engine): a repetition of a few runs takes well under a second.
import test from "ava";
import { lab, scratch } from "./helpers";

const cache = { REUSELAB_CACHE: scratch() };

test("--repeat 3 of runs that keep their verdict: three short lines, no full report, exit 0", (t) => {
  const r = lab(["--backend", "netns", "--filter", "uid-rule/tcp-reuseport-needs-same-uid", "--repeat", "3"], cache);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /^reuselab: 2 runs, 3 times each, on the netns backend, kernel host \(/);
  for (const n of [1, 2, 3]) t.regex(r.out, new RegExp(`^repetition ${n}/3: 2 passed, 0 failed in \\d+\\.\\d s$`, "m"));
  t.regex(r.out, /^3 repetitions of 2 runs: every run kept its verdict$/m);
  t.notRegex(r.out, /PASS|claims audit/, "one line per repetition, not three reports");
});

test("--repeat 3 of a coin flip: the flaky runs with the outcome of each repetition, exit 1", (t) => {
  const r = lab(["--backend", "netns", "--cases", "test/fixtures/flaky", "--repeat", "3", "--jobs", "4"], cache);
  t.is(r.code, 1, r.out + r.err);
  const flaky = /^flaky: (\d+) of 8 runs changed verdict over 3 repetitions$/m.exec(r.out);
  t.truthy(flaky, r.out);
  t.regex(r.out, /^ {2}run +outcome in each repetition$/m);
  const rows = r.out.match(/^ {2}coin-flip\.c\d@host +((pass|FAIL) ?){3}$/gm) ?? [];
  t.is(rows.length, Number(flaky![1]));
  for (const row of rows) t.true(row.includes("pass") && row.includes("FAIL"), row);
  t.regex(
    r.out,
    /^ {2}FAIL {2}coin-flip\.c\d@host: test\/fixtures\/flaky\/coin-flip\.yaml:\d+: w1: recv within 300: expected 1 but got 0$/m,
  );
});

test("--repeat 2 of a run that fails every time: its failure in each repetition, exit 1", (t) => {
  const r = lab(["--backend", "netns", "--cases", "test/fixtures/failing", "--repeat", "2"], cache);
  t.is(r.code, 1, r.err);
  const failure =
    "FAIL  wrong-expectation.default@host: test/fixtures/failing/wrong-expectation.yaml:13: second: bind tcp 0.0.0.0:8080 reuseport: expected ok but got -1 EADDRINUSE";
  t.is(r.out.split("\n").filter((l) => l.trim() === failure).length, 2);
  t.regex(r.out, /^failed in every repetition: wrong-expectation\.default@host$/m);
  t.regex(r.out, /^2 repetitions of 1 run: 0 flaky, 1 failed every time$/m);
});
