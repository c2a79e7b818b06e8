// The known-bugs gate, end to end on the host's kernel (netns backend, root): a regression case whose
// fix the kernel lacks (test/fixtures/known-bugs/fix-absent-on-purpose.yaml expects a bind the uid rule
// refuses on every kernel) fails the run unless the allowlist names it; an entry for a fix the kernel
// has (fix-present.yaml) is reported as stale, and is no failure.
import test from "ava";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultsFile } from "../../lab/report/json-reporter";
import { lab, labHere, scratch } from "./helpers";

const CASES = "test/fixtures/known-bugs";
const dir = scratch();
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as ResultsFile;
const run = (args: string[]) => lab(["run", "--backend", "netns", "--cases", CASES, ...args], { REUSELAB_CACHE: dir });

test("a kernel lacking a fix that no allowlist names: the run fails (exit 1), and the known bugs say absent with the failing step", (t) => {
  const json = join(dir, "gate-fails.json");
  const r = run(["--json", json]);
  t.is(r.code, 1, r.out + r.err);
  t.regex(r.out, /FAIL {2}fix-absent-on-purpose\.default@host/);
  t.regex(r.out, /^known bugs, 2 fixes judged by running each trigger/m);
  t.regex(r.out, /^ {2}fix-absent-on-purpose +0123456789ab +ABSENT/m);
  t.regex(r.out, /^ {2}fix-present +ba9876543210 +present$/m);
  const results = read(json);
  t.like(
    results.runs.find((x) => x.case === "fix-absent-on-purpose"),
    { outcome: "failed" },
  );
  const [absent, present] = results.knownBugs!.host!;
  t.like(absent, { case: "fix-absent-on-purpose", fix: "0123456789ab", status: "absent" });
  t.deepEqual(absent!.evidence, [
    "fix-absent-on-purpose.default@host: test/fixtures/known-bugs/fix-absent-on-purpose.yaml:21: second: bind tcp 0.0.0.0:8080 reuseport: expected ok but got -1 EADDRINUSE",
  ]);
  t.like(present, {
    case: "fix-present",
    status: "present",
    evidence: ["fix-present.default@host"],
    predicted: "present",
    disagrees: false,
  });
  t.deepEqual(results.staleAllowlist, []);
});

test.serial(
  "with the allowlist naming it: xfail with the allowlist's reason, exit 0; an entry for a fix present is stale; merge keeps both",
  async (t) => {
    const allow = join(dir, "allow.yaml");
    writeFileSync(
      allow,
      `# known to lack
allow:
  - case: fix-absent-on-purpose
    kernel: host
    reason: "the test kernel lacks it"
  - { case: fix-present, kernel: host, reason: "thought to lack it" }
`,
    );
    const json = join(dir, "gate-passes.json");
    const r = run(["--known-bugs", allow, "--json", json]);
    t.is(r.code, 0, r.out + r.err);
    t.regex(r.out, /XFAIL fix-absent-on-purpose\.default@host/);
    t.regex(r.out, /2 runs: 1 passed, 0 failed, 1 xfail/);
    t.regex(
      r.out,
      /stale allowlist entry .*allow\.yaml:6: fix-present on host has the fix \(fix-present\.default@host\): remove the entry/,
    );
    const results = read(json);
    const xfail = results.runs.find((x) => x.case === "fix-absent-on-purpose")!;
    t.is(xfail.outcome, "xfail");
    t.is(
      xfail.outcome === "xfail" ? xfail.reason : "",
      `the test kernel lacks it; fix 0123456789ab absent (allowed by ${allow}:3)`,
    );
    t.like(results.knownBugs!.host![0], { status: "absent", allowed: "the test kernel lacks it" });
    t.deepEqual(results.staleAllowlist, [
      {
        case: "fix-present",
        kernel: "host",
        reason: "thought to lack it",
        file: allow,
        line: 6,
        evidence: ["fix-present.default@host"],
      },
    ]);

    const merged = join(dir, "merged.json");
    const m = await labHere(["merge", merged, json, "--cases", CASES, "--known-bugs", allow]);
    t.is(m.code, 0, m.err);
    t.deepEqual(read(merged).knownBugs, results.knownBugs);
    t.deepEqual(read(merged).staleAllowlist, results.staleAllowlist);
  },
);

test.serial(
  "an allowlist with an unknown case id is refused with file:line before anything starts (exit 2); a report may not overwrite the allowlist",
  async (t) => {
    const allow = join(dir, "bad-allow.yaml");
    writeFileSync(
      allow,
      "allow:\n  - { case: fix-absent-on-purpse, kernel: host, reason: r }\n  - { case: fix-present, kernel: 5.10, reason: r }\n",
    );
    const r = await labHere(["run", "--backend", "netns", "--cases", CASES, "--known-bugs", allow]);
    t.is(r.code, 2);
    t.is(r.out, "");
    t.regex(r.err, /2 problems in the known-bugs allowlist .*bad-allow\.yaml; nothing was started/);
    t.regex(r.err, /bad-allow\.yaml:2: unknown case 'fix-absent-on-purpse'; did you mean 'fix-absent-on-purpose'\?/);
    t.regex(
      r.err,
      /bad-allow\.yaml:3: kernel 5\.1 is a number to YAML \(5\.10 would read as 5\.1\); write it in quotes: kernel: "5\.1"/,
    );
    // A report may not overwrite the allowlist it reads.
    const good = join(dir, "good-allow.yaml");
    writeFileSync(good, "allow: []\n");
    const over = await labHere(["run", "--backend", "netns", "--cases", CASES, "--known-bugs", good, "--json", good]);
    t.is(over.code, 2);
    t.regex(
      over.err,
      /--json .*good-allow\.yaml: is the known-bugs allowlist this command reads; the report would overwrite it/,
    );
    t.is(readFileSync(good, "utf8"), "allow: []\n");
    const missing = await labHere([
      "run",
      "--backend",
      "netns",
      "--cases",
      CASES,
      "--known-bugs",
      join(dir, "none.yaml"),
    ]);
    t.is(missing.code, 2);
    t.regex(missing.err, /none\.yaml/);
  },
);
