// The generated catalogue of bench:lab (lab/bench/delivery-matrix.ts): it loads as any catalogue does,
// holds more than 1,000 runs, and its one rule says what the kernel does. The unit half checks the
// files and the rule on pairs worked out by hand; the real half (root: netns) runs three of its files
// on this machine's kernel and counts who received what.
import test from "ava";
import { join } from "node:path";
import { loadCatalogue } from "../../lab/case/load-cases";
import { writeDeliveryMatrix } from "../../lab/bench/delivery-matrix";
import { KernelBackends } from "../../lab/run/kernel-backends";
import { runSession } from "../../lab/run/session";
import type { RunResult } from "../../lab/verdict/outcome";
import { scratch } from "../scratch";
import { step } from "../e2e/helpers";

const generated = writeDeliveryMatrix(join(scratch("delivery-matrix"), "cases"));
const catalogue = loadCatalogue([generated.dir]);
const runsOf = (c: (typeof catalogue.cases)[number]) => c.variants.length;
/** What a run's step (the first of `actor` whose call starts with `verb`) expects. */
const expects = (id: string, actor: string, verb: string) => {
  const [file, variant] = id.split(".");
  const v = catalogue.cases.find((c) => c.id === file)?.variants.find((x) => x.name === variant);
  return v?.steps.find((s) => s.actor === actor && s.text.startsWith(verb))?.expect;
};
const count = (n: number) => ({ kind: "count", range: { min: n, max: n } });

test("72 files, 1,080 runs: 2 protocols x 9 bound addresses x 5 destinations x 2 placements x 3 options x 2 decoy uids", (t) => {
  t.is(generated.files, 72);
  t.is(catalogue.cases.length, 72);
  t.is(generated.runs, 1080);
  t.is(
    catalogue.cases.reduce((n, c) => n + runsOf(c), 0),
    1080,
  );
});

test("the rule, on pairs worked out by hand", (t) => {
  // [file, variant, delivered]
  const pairs: [string, string, boolean][] = [
    ["udp/v4-any/near-decoy-uid-1000", "v4-loopback-plain", true],
    ["udp/v4-any/far-decoy-uid-1000", "v4-loopback-plain", false], // the far client's own loopback
    ["udp/v4-any/far-decoy-uid-1000", "v4-address-reuseport", true],
    ["udp/v4-any/near-decoy-uid-1000", "v6-loopback-plain", false], // IPv6 on the wire
    ["tcp/v6-any/far-decoy-uid-1001", "v4-address-plain", true], // dual-stack
    ["tcp/v6-any-only/far-decoy-uid-1001", "v4-address-plain", false],
    ["tcp/v6-any-only/near-decoy-uid-1001", "v6-loopback-reuseaddr", true],
    ["tcp/mapped-any/near-decoy-uid-1000", "v6-address-plain", false],
    ["tcp/mapped-any/far-decoy-uid-1000", "v4-address-plain", true],
    ["udp/mapped-loopback/near-decoy-uid-1000", "v4-loopback-plain", true],
    ["udp/mapped-loopback/near-decoy-uid-1000", "v4-address-plain", false],
    ["udp/v4-loopback/near-decoy-uid-1000", "mapped-loopback-plain", true],
    ["udp/v6-address/near-decoy-uid-1000", "v6-address-plain", true],
    ["udp/v6-address/near-decoy-uid-1000", "v6-loopback-plain", false],
    ["tcp/v4-address/far-decoy-uid-1000", "v4-address-plain", true],
    ["tcp/v6-loopback/far-decoy-uid-1000", "v6-loopback-plain", false],
  ];
  for (const [file, variant, yes] of pairs) {
    const id = `${file}.${variant}`;
    const tcp = file.startsWith("tcp/");
    t.deepEqual(expects(id, "server", tcp ? "accept" : "recv"), count(yes ? 5 : 0), id);
    t.deepEqual(expects(id, "decoy", tcp ? "accept" : "recv"), count(0), id);
    if (tcp)
      t.deepEqual(expects(id, "client", "connect-many"), yes ? count(5) : { kind: "errno", name: "ECONNREFUSED" }, id);
    else t.deepEqual(expects(id, "client", "send"), count(5), id);
  }
  // Of each protocol and decoy uid's 45 pairs of address and destination, 20 deliver near and 7 far
  // (counted by hand), each with three options.
  const delivering = catalogue.cases.flatMap((c) =>
    c.variants.filter((v) =>
      v.steps.some((s) => s.actor === "server" && s.expect.kind === "count" && s.expect.range.min === 5),
    ),
  );
  t.is(delivering.length, (20 + 7) * 3 * 2 * 2);
});

let results: RunResult[] = [];
const SAMPLE = [
  "tcp/v6-any/far-decoy-uid-1000.",
  "udp/mapped-any/near-decoy-uid-1001.",
  "udp/v6-any-only/far-decoy-uid-1000.",
];

test.serial("three of its files on this machine's kernel: every run passes", async (t) => {
  if (process.getuid?.() !== 0) return t.fail("the netns backend needs root");
  await using backends = new KernelBackends(["host"], "netns");
  const end = await runSession(backends, { catalogue, selection: { filter: SAMPLE }, jobs: 4 });
  results = end.repetitions[0]!;
  t.is(results.length, 45);
  t.deepEqual(
    results.filter((r) => r.outcome !== "passed").map((r) => r.id),
    [],
  );
});

test.serial("who received how many, in those runs", (t) => {
  const got = (id: string, actor: string, call: string) =>
    step(
      t,
      results.find((r) => r.id === `${id}@host`),
      actor,
      call,
    ).observed;
  t.is(got("tcp/v6-any/far-decoy-uid-1000.v4-address-plain", "server", "accept").count, 5);
  t.is(got("tcp/v6-any/far-decoy-uid-1000.v4-address-plain", "decoy", "accept").count, 0);
  t.like(got("tcp/v6-any/far-decoy-uid-1000.v4-loopback-plain", "client", "connect-many"), {
    errno: "ECONNREFUSED",
    count: 0,
  });
  t.is(got("udp/mapped-any/near-decoy-uid-1001.v4-address-reuseport", "server", "recv").count, 5);
  t.is(got("udp/mapped-any/near-decoy-uid-1001.v6-address-reuseport", "server", "recv").count, 0);
  t.is(got("udp/v6-any-only/far-decoy-uid-1000.v6-address-reuseaddr", "server", "recv").count, 5);
  t.is(got("udp/v6-any-only/far-decoy-uid-1000.v4-address-reuseaddr", "server", "recv").count, 0);
  t.is(got("udp/v6-any-only/far-decoy-uid-1000.v4-address-reuseaddr", "client", "send").count, 5);
});
