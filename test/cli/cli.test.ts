import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import { labelled } from "../e2e/helpers";
import { lab, labHere } from "./helpers";

test.serial("--help prints the usage and exits 0; an unknown option exits 2", async (t) => {
  // In this process: none of it starts anything (arguments.test.ts has every command's).
  const help = await labHere(["--help"]);
  t.is(help.code, 0);
  t.regex(help.out, /Usage: reuselab \[command\] \[options\]/);
  t.regex((await labHere(["run", "--help"])).out, /--cases <path>/);
  const bad = await labHere(["--bogus"]);
  t.is(bad.code, 2);
  t.regex(bad.err, /unknown option '--bogus'/);
  const jobs = await labHere(["--jobs", "0"]);
  t.is(jobs.code, 2);
  t.regex(jobs.err, /--jobs 0 is not a whole number from 1 to 32/);
  const kernel = await labHere(["--kernels", "host,4.19"]);
  t.is(kernel.code, 2);
  t.regex(kernel.err, /unknown kernel 4\.19: the kernels are host, 5\.10, 6\.1, 6\.12/);
});

test("bad case files: every problem with file:line, exit 2, before any engine is touched", (t) => {
  // An engine that does not exist: had the lab reached for Docker, it would say so instead.
  const r = lab(["--cases", "test/fixtures/bad"], { DOCKER_HOST: "unix:///nonexistent/reuselab.sock" });
  t.is(r.code, 2);
  t.regex(r.err, /4 problems in the case files; nothing was started/);
  t.regex(r.err, /test\/fixtures\/bad\/broken\.yaml:7: YAML: '\{' is not closed on this line; add '\}'/);
  t.regex(r.err, /broken\.yaml:9: bind: unknown socket option 'reuseadr'; did you mean 'reuseaddr'\?/);
  t.regex(r.err, /broken\.yaml:10: unknown actor 'ghost'; known actors: victim, attacker/);
  t.regex(r.err, /broken\.yaml:11: send: unknown actor 'victm' in address '\$victm'; did you mean 'victim'\?/);
  t.notRegex(r.err, /DOCKER_HOST|engine/);
  t.is(r.out, "");
});

test("no engine where DOCKER_HOST points: exit 2 with what to do", (t) => {
  const r = lab(["--cases", "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml"], {
    DOCKER_HOST: "unix:///nonexistent/reuselab.sock",
  });
  t.is(r.code, 2);
  t.regex(r.err, /DOCKER_HOST=unix:\/\/\/nonexistent\/reuselab\.sock is set but no Docker engine answers there/);
});

test("--json writes the schema-1 results with observed errnos; exit 0 when all pass", (t) => {
  const file = join(scratch(), "r.json");
  const r = lab(["--cases", "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml", "--json", file]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /PASS {2}uid-rule\/tcp-reuseport-needs-same-uid\.other-uid@host/);
  t.regex(r.out, /2 runs: 2 passed, 0 failed in \d+\.\d s/);
  const json = JSON.parse(readFileSync(file, "utf8"));
  t.is(json.schema, 1);
  t.is(json.kernels[0].id, "host");
  t.regex(json.kernels[0].release, /^\d+\.\d+/);
  t.deepEqual(
    json.runs.map((x: { id: string }) => x.id),
    ["uid-rule/tcp-reuseport-needs-same-uid.other-uid@host", "uid-rule/tcp-reuseport-needs-same-uid.same-uid@host"],
  );
  const run = json.runs[0];
  t.like(run, {
    case: "uid-rule/tcp-reuseport-needs-same-uid",
    variant: "other-uid",
    kernel: "host",
    outcome: "passed",
  });
  t.true(Number.isInteger(run.durationMs) && run.durationMs > 0);
  const bind = run.steps[2];
  t.like(bind, {
    file: "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml",
    actor: "second",
    call: "bind tcp 0.0.0.0:8080 reuseport",
    expected: "EADDRINUSE",
  });
  t.true(Number.isInteger(bind.line));
  t.like(bind.observed, { ret: -1, errno: "EADDRINUSE" });
  // The claims audit: every claim of cases/claims.yaml, judged from this selection's passing runs.
  const enforced = json.claims.find((c: { id: string }) => c.id === "reuseport-kernel-enforces-uid");
  t.like(enforced, {
    verdicts: { host: "confirmed" },
    evidence: ["uid-rule/tcp-reuseport-needs-same-uid.other-uid@host"],
    section: "Security Considerations > Protection Mechanisms",
  });
  t.regex(enforced.quote, /Kernel enforces UID matching/);
  t.is(
    json.claims.find((c: { id: string }) => c.id === "udp-reuseaddr-random-delivery").verdicts.host,
    "untested",
    "no run of this selection names it",
  );
  t.regex(
    r.out,
    /claims audit, \d+ claims of the seed guide on host: 0 refuted, 0 partly, [12] confirmed, \d+ untested/,
  );
});

test("a case the kernel contradicts fails with its evidence, exit 1, and leaves nothing behind", (t) => {
  const r = lab(["--cases", "test/fixtures/failing"]);
  t.is(r.code, 1, r.err);
  t.regex(r.out, /FAIL {2}wrong-expectation\.default@host/);
  t.regex(
    r.out,
    /test\/fixtures\/failing\/wrong-expectation\.yaml:13: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok but got -1 EADDRINUSE/,
  );
  t.regex(r.out, /1 run: 0 passed, 1 failed/);
  const left = labelled("reuselab.run");
  // Other test files may be running labs right now; only this run's case label must be gone.
  t.deepEqual(
    labelled("reuselab.case=wrong-expectation.default@host"),
    { containers: 0, networks: 0 },
    JSON.stringify(left),
  );
});
