import test from "ava";
import { describeSelector, matchesKernel, parseKernelSelector, releaseVersion } from "../../lab/case/kernel-selector";
import { loadCase } from "../../lab/case/load-case";
import { expectationFor, plan } from "../../lab/plan/plan";

const k = (id: string, release: string) => ({ id, release });
const sel = (t: string) => parseKernelSelector(t)!;

test("selectors: kernel ids and version comparisons on as many numbers as they give", (t) => {
  t.deepEqual(releaseVersion("6.12.57+deb13-cloud-amd64"), [6, 12, 57]);
  t.deepEqual(releaseVersion("5.10.0-35-cloud-amd64"), [5, 10, 0]);
  const v510 = k("5.10", "5.10.0-35-cloud-amd64");
  const host = k("host", "6.18.44-fc-v657");
  t.true(matchesKernel(sel("<5.14"), v510));
  t.false(matchesKernel(sel("<5.14"), host));
  t.true(matchesKernel(sel(">=6.1"), host));
  t.true(matchesKernel(sel("=5.10"), v510), "5.10.0 is 5.10 on two numbers");
  t.false(matchesKernel(sel("=5.10.1"), v510));
  t.true(matchesKernel(sel("host"), host));
  t.false(matchesKernel(sel("5.10"), host));
  for (const bad of ["5", "~5.10", "<=5", "linux", ">= 6.1"]) t.is(parseKernelSelector(bad), undefined, bad);
});

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";

test("a step's per-kernel expectations, and a variant that requires a kernel, apply per run", (t) => {
  const { case: c, problems } = loadCase(
    "x.yaml",
    "x",
    `${head}variants:
  plain: {}
  migrate: { requires: { kernel: ">=5.14", because: "tcp_migrate_req came in 5.14" } }
actors:
  a: { uid: 1000 }
steps:
  - a: bind tcp 0.0.0.0:80 => ok
    kernels: { "<6.1": EADDRINUSE, "6.12": EACCES }
`,
  );
  t.deepEqual(problems, []);
  const step = c!.variants[0]!.steps[0]!;
  t.deepEqual(expectationFor(step, k("host", "6.18.4")), { kind: "ok" });
  t.deepEqual(expectationFor(step, k("5.10", "5.10.0-35-cloud-amd64")), { kind: "errno", name: "EADDRINUSE" });
  t.deepEqual(expectationFor(step, k("6.12", "6.12.57+deb13")), { kind: "errno", name: "EACCES" });
  const runs = plan([c!], [k("host", "6.18.4"), k("5.10", "5.10.0-35-cloud-amd64")]);
  t.deepEqual(
    runs.map((r) => [r.id, r.skip]),
    [
      ["x.plain@host", undefined],
      ["x.plain@5.10", undefined],
      ["x.migrate@host", undefined],
      ["x.migrate@5.10", "needs a kernel >=5.14 (this is 5.10.0-35-cloud-amd64): tcp_migrate_req came in 5.14"],
    ],
  );
});

test("bad selectors, expectations and requirements are reported with their lines", (t) => {
  const { problems } = loadCase(
    "x.yaml",
    "x",
    `${head}requires: { kernel: "~5", because: "x" }
actors:
  a: { uid: 1000 }
steps:
  - a: bind tcp 0.0.0.0:80 => ok
    kernels: { "5": ok, "<6.1": 20 }
    why: nothing
`,
  );
  const text = problems.map((p) => `${p.line}: ${p.message}`).join("\n");
  t.regex(text, /5: '~5' is not a kernel selector/);
  t.regex(text, /10: '5' is not a kernel selector/);
  t.regex(text, /10: kernels: this step cannot expect a count/);
  t.regex(text, /9: unknown step key 'why'/);
});

test("every comparison, at, below and above its version; a release with no version matches as 0", (t) => {
  const at = k("x", "6.1.0-9");
  const below = k("x", "6.0.99");
  const above = k("x", "6.2");
  const table: [string, boolean, boolean, boolean][] = [
    // selector, at 6.1, below, above
    ["<6.1", false, true, false],
    ["<=6.1", true, true, false],
    [">6.1", false, false, true],
    [">=6.1", true, false, true],
    ["=6.1", true, false, false],
  ];
  for (const [s, atIt, belowIt, aboveIt] of table) {
    t.is(matchesKernel(sel(s), at), atIt, `${s} on 6.1.0`);
    t.is(matchesKernel(sel(s), below), belowIt, `${s} on 6.0.99`);
    t.is(matchesKernel(sel(s), above), aboveIt, `${s} on 6.2`);
  }
  // "6.2" has no third number: it counts as 0, below 6.2.1 and equal to 6.2.0.
  t.true(matchesKernel(sel("<6.2.1"), above));
  t.true(matchesKernel(sel("=6.2.0"), above));
  // The first number that differs decides; the later ones do not overturn it.
  t.false(matchesKernel(sel("<6.2.1"), k("x", "6.3.0")));
  t.true(matchesKernel(sel(">6.2.1"), k("x", "6.3.0")));
  t.true(matchesKernel(sel("<6.2.9"), k("x", "6.2.1")));
  t.deepEqual(releaseVersion("6.2"), [6, 2]);
  t.deepEqual(releaseVersion("linux"), []);
  t.true(matchesKernel(sel("<0.1"), k("x", "linux")), "no version reads as 0.0");
  t.false(matchesKernel(sel("=0.1"), k("x", "linux")));
  t.true(matchesKernel(sel("=0.0"), k("x", "linux")));
});

test("a selector described as it is written; parsed with the spaces around it trimmed", (t) => {
  t.is(describeSelector(sel("host")), "host");
  t.is(describeSelector(sel("5.10")), "5.10");
  t.is(describeSelector(sel(">=6.1.3")), ">=6.1.3");
  t.deepEqual(parseKernelSelector("  <=5.14 "), { kind: "version", op: "<=", version: [5, 14] });
  t.deepEqual(parseKernelSelector(" host "), { kind: "id", id: "host" });
  for (const bad of ["6.1.2.3", "<6", "<6.1.2.3", "host2", "x5.10", "5.10x", "<5.10 x"])
    t.is(parseKernelSelector(bad), undefined, bad);
});

test("numbers of two digits and more: a kernel id 10.1, a comparison >=10.1; a release read from its start", (t) => {
  t.deepEqual(parseKernelSelector("10.1"), { kind: "id", id: "10.1" });
  t.deepEqual(parseKernelSelector(">=10.1"), { kind: "version", op: ">=", version: [10, 1] });
  t.deepEqual(releaseVersion("10.2.3-rc1"), [10, 2, 3]);
  // A release that does not start with its version has none (it matches as 0), not the first numbers in it.
  t.deepEqual(releaseVersion("v6.1.0"), []);
  t.deepEqual(releaseVersion("rc-6.1"), []);
  t.true(matchesKernel(sel("<6.1"), k("x", "v6.1.0")));
});
