// .cache/last-results.json (lab/report/last-results.ts), what `reuselab explain` shows as last observed:
// each session's results merged in by run id, a run an interruption skipped not recorded, the kernel's
// release kept, the file replaced whole; a missing or broken file reads as empty.
import test from "ava";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { EventBus, type LabEvent } from "../../lab/events/events";
import {
  LastResultsReporter,
  lastResultsPath,
  readLastResults,
  type LastResultsFile,
} from "../../lab/report/last-results";
import type { RunResult } from "../../lab/verdict/outcome";
import { tempFolder } from "./real-run";

const temp = tempFolder("last-results");
test.after.always(() => temp.remove());
let n = 0;
const fresh = () => join(temp.dir, `${n++}`, "last-results.json");

const kernels: KernelInfo[] = [{ id: "host", release: "6.18.44" }];
const result = (id: string, outcome: "passed" | "skipped", kernel = "host"): RunResult =>
  outcome === "passed"
    ? { id, case: "c", variant: "v", kernel, durationMs: 1, outcome, steps: [] }
    : { id, case: "c", variant: "v", kernel, durationMs: 0, outcome, reason: "interrupted", steps: [] };
const finished = (results: RunResult[], interrupted = false): LabEvent => ({
  type: "session-finished",
  kernels,
  results,
  claims: [],
  audit: [],
  knownBugs: { kernels: {}, staleAllowlist: [] },
  durationMs: 1,
  interrupted,
});

async function record(file: string, ...events: LabEvent[]): Promise<void> {
  const bus = new EventBus().add(new LastResultsReporter(file));
  for (const e of events) bus.emit(e);
  await bus.close();
}

test("a session's results are merged into what was known, by run id, with when and on which release", async (t) => {
  const file = fresh();
  await record(file, finished([result("a@host", "passed"), result("b@old", "passed", "old")]));
  const before = new Date().toISOString();
  await record(file, finished([result("a@host", "skipped")]));
  const after = new Date().toISOString();
  const runs = readLastResults(file).runs;
  t.deepEqual(Object.keys(runs).sort(), ["a@host", "b@old"]);
  t.is(runs["a@host"]!.result.outcome, "skipped", "the later session's result replaces the earlier one");
  t.true(runs["a@host"]!.at >= before && runs["a@host"]!.at <= after, runs["a@host"]!.at);
  t.is(runs["a@host"]!.release, "6.18.44");
  t.is(runs["b@old"]!.release, "", "a kernel the session does not list has no release");
  t.deepEqual(readdirSync(join(file, "..")), ["last-results.json"], "no partial file is left");
  t.true(readFileSync(file, "utf8").endsWith("}\n"));
});

test("an interrupted session does not record the runs it skipped, and keeps what was known of them", async (t) => {
  const file = fresh();
  await record(file, finished([result("a@host", "passed")]));
  await record(
    file,
    finished([result("a@host", "skipped"), result("b@host", "skipped"), result("c@host", "passed")], true),
  );
  const runs = readLastResults(file).runs;
  t.deepEqual(Object.keys(runs).sort(), ["a@host", "c@host"]);
  t.is(runs["a@host"]!.result.outcome, "passed");
});

test("nothing to record writes nothing", async (t) => {
  const file = fresh();
  await record(file, finished([]));
  await record(file, finished([result("a@host", "skipped")], true));
  await record(file, { type: "session-started", backend: "netns", kernels, runs: [], leftoversRemoved: {} });
  t.false(existsSync(file));
});

test("a missing, broken or foreign file reads as no runs", (t) => {
  const empty: LastResultsFile = { schema: 1, runs: {} };
  t.deepEqual(readLastResults(join(temp.dir, "none.json")), empty);
  const file = join(temp.dir, "broken.json");
  for (const text of [
    "{",
    '{"schema": 2, "runs": {}}',
    '{"schema": 2, "runs": {"x": {"at": "t", "release": "r"}}}',
    '{"schema": 1}',
    '{"schema": 1, "runs": "x"}',
    '{"schema": 1, "runs": null}',
  ]) {
    writeFileSync(file, text);
    t.deepEqual(readLastResults(file), empty, text);
  }
  writeFileSync(file, '{"schema": 1, "runs": {"x": {"at": "t", "release": "r"}}, "other": 1}');
  t.deepEqual(readLastResults(file), {
    schema: 1,
    runs: { x: { at: "t", release: "r" } },
  } as unknown as LastResultsFile);
});

test("the file is last-results.json in the cache folder; a broken one is said in the debug log", (t) => {
  const before = { cache: process.env.REUSELAB_CACHE, debug: process.env.REUSELAB_DEBUG };
  const log = join(temp.dir, "debug.log");
  const broken = join(temp.dir, "broken-for-log.json");
  writeFileSync(broken, "{");
  process.env.REUSELAB_CACHE = join(temp.dir, "cache");
  process.env.REUSELAB_DEBUG = log;
  try {
    t.is(lastResultsPath(), join(temp.dir, "cache", "last-results.json"));
    readLastResults(broken);
  } finally {
    for (const [name, value] of [
      ["REUSELAB_CACHE", before.cache],
      ["REUSELAB_DEBUG", before.debug],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
  t.regex(readFileSync(log, "utf8"), /^\S+ reuselab report\/last-results: SyntaxError: /m);
});
