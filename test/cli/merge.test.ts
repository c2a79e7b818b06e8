// merge: the JSON results of two jobs (here two netns runs with different --filter) as one report,
// with the claims audit recomputed over both.
import test from "ava";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultsFile } from "../../lab/report/json-reporter";
import { lab, labHere, scratch } from "./helpers";

const dir = scratch();
const one = join(dir, "results-one.json");
const two = join(dir, "results-two.json");
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as ResultsFile;

test.before(() => {
  // Two cases that both confirm reuseport-kernel-enforces-uid, each in its own job.
  for (const [file, filter] of [
    [one, "uid-rule/tcp-reuseport-needs-same-uid"],
    [two, "uid-rule/root-has-no-bypass"],
  ] as const) {
    const reports = file === one ? ["--junit", join(dir, "one.xml"), "--html", join(dir, "one.html")] : [];
    const r = lab(["--backend", "netns", "--filter", filter, "--json", file, ...reports], { REUSELAB_CACHE: dir });
    if (r.code !== 0) throw new Error(`the job for ${filter} failed (${r.code}): ${r.out}${r.err}`);
  }
});

test.serial("a job writes --junit and --html beside --json", (t) => {
  const xml = readFileSync(join(dir, "one.xml"), "utf8");
  const html = readFileSync(join(dir, "one.html"), "utf8");
  for (const run of read(one).runs) {
    t.true(xml.includes(`name="${run.variant}@${run.kernel}"`), run.id);
    t.true(html.includes(run.case), run.id);
  }
});

test.serial("merge joins kernels and runs, and recomputes the claims audit from all of them", async (t) => {
  const out = join(dir, "merged.json");
  const junit = join(dir, "merged.xml");
  const html = join(dir, "merged.html");
  const r = await labHere(["merge", out, one, two, "--junit", junit, "--html", html]);
  t.is(r.code, 0, r.err);
  t.regex(
    r.out,
    /^reuselab merge: 2 files, 4 runs on host \(4 passed, 0 failed\); claims audit: \d+ of 48 claims judged; wrote .*merged\.json, .*merged\.xml, .*merged\.html$/m,
  );
  const merged = read(out);
  t.is(merged.schema, 1);
  t.deepEqual(merged.kernels, read(one).kernels, "one kernel, not one per file");
  t.deepEqual(
    merged.runs.map((x) => x.id),
    [...read(one).runs, ...read(two).runs].map((x) => x.id),
  );
  const claim = (f: ResultsFile) => f.claims.find((c) => c.id === "reuseport-kernel-enforces-uid")!;
  // Each job's audit rests on its own runs; the merged one on both jobs' runs.
  t.deepEqual([...claim(merged).evidence].sort(), [...claim(read(one)).evidence, ...claim(read(two)).evidence].sort());
  t.true(claim(read(one)).evidence.length >= 1 && claim(read(two)).evidence.length >= 1);
  t.like(claim(merged), {
    verdicts: { host: "confirmed" },
    section: "Security Considerations > Protection Mechanisms",
  });
  t.is(merged.claims.length, 48);
  const xml = readFileSync(junit, "utf8");
  const page = readFileSync(html, "utf8");
  for (const run of merged.runs) {
    t.true(xml.includes(`name="${run.variant}@${run.kernel}"`), run.id);
    t.true(page.includes(run.case), run.id);
  }
});

test.serial("merge refuses a run that is in two files, naming both; and a file that is not results", async (t) => {
  const dup = await labHere(["merge", join(dir, "dup.json"), one, two, one]);
  t.is(dup.code, 2);
  t.regex(
    dup.err,
    new RegExp(
      `run uid-rule/tcp-reuseport-needs-same-uid\\.other-uid@host is in both ${one} and ${one}`.replace(/\//g, "\\/"),
    ),
  );
  t.false(existsSync(join(dir, "dup.json")));
  const notJson = join(dir, "not-results.json");
  writeFileSync(notJson, JSON.stringify({ schema: 2, runs: [] }));
  const bad = await labHere(["merge", join(dir, "bad.json"), one, notJson]);
  t.is(bad.code, 2);
  t.regex(bad.err, /not-results\.json: not reuselab results of schema 1/);
});

test.serial("merge exits 1 when a merged run failed", async (t) => {
  const failed = read(one);
  const run = failed.runs[0]!;
  failed.runs = [
    {
      ...run,
      id: "wrong.default@host",
      case: "wrong",
      variant: "default",
      outcome: "failed",
      failures: [{ file: "x.yaml", line: 1, message: "expected ok but got -1 EADDRINUSE" }],
    },
  ];
  const file = join(dir, "failed.json");
  writeFileSync(file, JSON.stringify(failed));
  const r = await labHere(["merge", join(dir, "with-failure.json"), two, file]);
  t.is(r.code, 1, r.err);
  t.regex(r.err, /1 run is not in the catalogue .* so no claim rests on them: wrong\.default@host/);
});
