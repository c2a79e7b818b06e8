// list and explain: what the catalogue holds, and a case in words with what the kernel last said.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lab, labHere, scratch } from "./helpers";

const UID_CASE = "uid-rule/tcp-reuseport-needs-same-uid";

test.serial(
  "list: the cases with their variants, tags and titles; the tags with counts; the claims and who names them",
  async (t) => {
    const r = await labHere(["list"]);
    t.is(r.code, 0, r.err);
    t.regex(r.out, /^\d+ cases, \d+ variants$/m);
    t.regex(
      r.out,
      /^ {2}hijack\/udp-specific-address-steals-unicast +attacker-reuseaddr, +udp, hijack, reuseaddr +A more specific UDP bind/m,
    );
    t.regex(r.out, /^ {2}tag +cases$/m);
    t.regex(r.out, /^ {2}hijack +5$/m);
    t.regex(r.out, /^48 claims of the seed guide$/m);
    t.regex(
      r.out,
      /^ {2}reuseport-kernel-enforces-uid +Security Considerations > Protection Mechanisms +\S+ \(\+\d+\)$/m,
    );
    t.false(r.out.includes("\x1b"), "no terminal, no colour");
  },
);

test.serial("list --tag narrows cases, tags and claims alike; --json gives the same as data", async (t) => {
  const r = await labHere(["list", "--tag", "multicast", "--json"]);
  t.is(r.code, 0, r.err);
  const l = JSON.parse(r.out) as {
    cases: { id: string; tags: string[]; variants: string[] }[];
    tags: { tag: string; cases: number }[];
    claims: { id: string; cases: string[] }[];
  };
  t.true(l.cases.length >= 3);
  t.true(l.cases.every((c) => c.id.startsWith("multicast/") && c.tags.includes("multicast") && c.variants.length > 0));
  t.deepEqual(
    l.tags.find((x) => x.tag === "multicast"),
    { tag: "multicast", cases: l.cases.length },
  );
  t.true(
    l.claims.length > 0 &&
      l.claims.every((c) => c.cases.length > 0 && c.cases.every((id) => id.startsWith("multicast/"))),
  );
  const only = await labHere(["list", "tags", "--filter", UID_CASE]);
  t.regex(only.out, /^3 tags\n/);
  t.notRegex(only.out, /claims of the seed guide|variants/);
});

test.serial("explain: title, rule, source, actors, each step as a sentence, claims", async (t) => {
  const r = await labHere(["explain", "hijack/udp-specific-address-steals-unicast"]);
  t.is(r.code, 0, r.err);
  t.regex(
    r.out,
    /^hijack\/udp-specific-address-steals-unicast {2}cases\/hijack\/udp-specific-address-steals-unicast\.yaml\nA more specific UDP bind/,
  );
  t.regex(r.out, /^rule: +Two UDP sockets may share a port/m);
  t.regex(r.out, /^source: +net\/ipv4\/udp\.c/m);
  t.regex(r.out, /^actors: +victim \(uid 1000, its own network namespace\), attacker \(uid 1001, victim's network/m);
  t.regex(
    r.out,
    /^ +\d+ {2}attacker binds a new UDP socket to \$victim:5353 with SO_REUSEADDR and expects it to succeed$/m,
  );
  t.regex(
    r.out,
    /^attacker-plain differs:\n +\d+ {2}attacker binds a new UDP socket to \$victim:5353 and expects EADDRINUSE$/m,
  );
  t.regex(r.out, /^ +\d+ {2}client sends 20 datagrams to \$victim:5353 and expects 20$/m);
  t.regex(r.out, /^ {2}refutes +udp-reuseaddr-random-delivery \(attacker-reuseaddr\)$/m);
  const group = await labHere(["explain", "distribution/udp-four-tuple-affinity"]);
  t.regex(
    group.out,
    /workers \(w1, w2, w3, w4\): each counts the datagrams that reach its own socket; together they expect one 50/,
  );
});

test.serial("explain an unknown case: exit 2 with the nearest ids", async (t) => {
  const typo = await labHere(["explain", "hijack/udp-specific-adress-steals-unicast"]);
  t.is(typo.code, 2);
  t.regex(
    typo.err,
    /no case 'hijack\/udp-specific-adress-steals-unicast'; did you mean 'hijack\/udp-specific-address-steals-unicast'\?/,
  );
  const part = await labHere(["explain", "needs-same-uid"]);
  t.is(part.code, 2);
  t.regex(
    part.err,
    /cases whose id contains it: uid-rule\/tcp-reuseport-needs-same-uid, uid-rule\/udp-reuseport-needs-same-uid/,
  );
  const variant = await labHere(["explain", `${UID_CASE}.other-uids`]);
  t.is(variant.code, 2);
  t.regex(
    variant.err,
    /case uid-rule\/tcp-reuseport-needs-same-uid has no variant 'other-uids'; did you mean 'other-uid'\?/,
  );
});

test("explain shows what each step observed in the last run, per kernel, kept in the cache across runs", async (t) => {
  const cache = scratch();
  const before = lab(["explain", `${UID_CASE}.other-uid`], { REUSELAB_CACHE: cache });
  t.regex(
    before.out,
    /last observed: never run on this machine; try 'reuselab run --filter uid-rule\/tcp-reuseport-needs-same-uid\.other-uid'/,
  );
  t.is(lab(["--backend", "netns", "--filter", `${UID_CASE}.other-uid`], { REUSELAB_CACHE: cache }).code, 0);
  // A second run of another case adds to the file instead of replacing it.
  t.is(
    lab(["--backend", "netns", "--filter", "uid-rule/root-has-no-bypass.root-first"], { REUSELAB_CACHE: cache }).code,
    0,
  );
  const kept = JSON.parse(readFileSync(join(cache, "last-results.json"), "utf8")) as {
    runs: Record<string, { result: { outcome: string } }>;
  };
  t.deepEqual(Object.keys(kept.runs).sort(), [
    `uid-rule/root-has-no-bypass.root-first@host`,
    `${UID_CASE}.other-uid@host`,
  ]);
  const r = lab(["explain", `${UID_CASE}.other-uid`], { REUSELAB_CACHE: cache });
  t.is(r.code, 0, r.err);
  t.regex(
    r.out,
    /^last observed \(.*last-results\.json\):\n {2}PASS {2}other-uid@host {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+\.\d+/m,
  );
  t.regex(r.out, /^ +\d+ {2}second bind: -1 EADDRINUSE$/m);
  t.notRegex(r.out, /same-uid@host/, "explain CASE.VARIANT shows that variant only");
});
