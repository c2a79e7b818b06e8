// `reuselab explain` (lab/report/case-explanation.ts) on a case written here with a step of every kind,
// variants that differ in their steps or only in their claims, per-kernel expectations and a group:
// each step as the sentence a reader gets, the actors, the claims with their quotes, the last results.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Case } from "../../lab/case/case";
import type { Claim } from "../../lab/case/claims";
import { loadCatalogue } from "../../lab/case/load-cases";
import { explainCase } from "../../lab/report/case-explanation";
import type { LastResult } from "../../lab/report/last-results";
import { colorsFor } from "../../lab/terminal";
import { stepResult } from "./results";

const CLAIMS = `schemaVersion: 1
claims:
  - { id: c-one, topic: t, section: Section one, line: 10, quote: "Quote one." }
  - { id: c-two, topic: t, section: Section two, line: 20, quote: "A longer quote, one that the explanation wraps when the terminal is narrow." }
`;
const CASE = `schemaVersion: 1
title: Every step in words
rule: An example of each step, in an order that makes sense to the loader.
source: docs/cases.md
tags: [tcp, udp]
xfail: the kernel says no
variants:
  same: { second: ok, opt: reuseport, claims: { confirms: [c-one] } }
  other: { second: EADDRINUSE, opt: reuseaddr, claims: { confirms: [c-one], refutes: [c-two], kernels: { "<5.14": { partly: [c-two] } } } }
  third: { second: ok, opt: reuseport }
actors:
  server: { uid: 1000, sysctls: { net.ipv4.tcp_migrate_req: 1 } }
  victim: { uid: 1000, netns: server }
  client: { uid: 1001 }
  r1:     { uid: 1000 }
  r6:     { uid: 1000 }
  admin:  { uid: 0, caps: [setuid, net_admin] }
groups:
  pair: [r1, r6]
steps:
  - server: socket tcp v6 v6only=0 as dual
  - client: socket udp rcvbuf=4096 sndbuf=4096 as u
  - victim: bind tcp 0.0.0.0:8080 {opt} => ok
  - server: bind [::]:8080 on dual => {second}
  - victim: listen 512
  - server: listen on dual
  - client: connect tcp $victim:8080 within 300 as c1 => ok
  - client: connect $server:5000 on u => ok
  - client: connect-many 10 to $server:8080 => 10
  - victim: accept within 500 => 1
  - server: accept 10 on dual => 10
  - client: tcp-states 8080 => ESTABLISHED*8
    kernels: { "<5.14": none, "5.10": LISTEN }
  - client: shutdown wr on c1
  - client: close c1
  - server: close-accepted on dual => 10
  - victim: close-listener
  - client: tcp-timer 8080 TIME_WAIT => 55000..60000
  - r1: bind udp 0.0.0.0:5000 reuseport mcast-all=0
  - r1: join 239.1.1.1 via 0.0.0.0
  - r6: bind udp [::]:5000 reuseport
  - r6: join [ff02::1:3] via 2
  - client: setsockopt reuseport incoming-cpu=0 on u
  - client: disconnect on u
  - client: pin-cpu 0
  - client: send 20 to $r1:5000 on u => 20
  - client: socket udp mcast-ttl=1 mcast-loop=0 mcast-if=0.0.0.0
  - client: send 1 to 239.1.1.1:5000 varying-port => 1
  - pair: recv => total 21, each 0..21, fair
    kernels: { host: one 21 }
  - server: sysctl net.ipv4.tcp_tw_reuse => 0..2
  - admin: setuid 1000
  - admin: sleep 100
  - victim: crash => killed
`;

const plain = colorsFor(false);
let dir = "";
let c: Case;
let claims: Claim[];
let file = "";

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), "reuselab-explain-"));
  mkdirSync(join(dir, "cases"));
  writeFileSync(join(dir, "cases", "claims.yaml"), CLAIMS);
  writeFileSync(join(dir, "cases", "every-step.yaml"), CASE);
  file = relative(process.cwd(), join(dir, "cases", "every-step.yaml"));
  ({
    claims,
    cases: [c],
  } = loadCatalogue([join(dir, "cases")]) as { claims: Claim[]; cases: [Case] });
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const never = { path: ".cache/last-results.json", runs: [] };

test("the head: id and file, title, rule, source, tags, xfail, variants, and each actor's uid, namespace, sysctls and capabilities", (t) => {
  const lines = explainCase(c, claims, never, plain, undefined, 1000).split("\n");
  t.deepEqual(lines.slice(0, 11), [
    `every-step  ${file}`,
    "Every step in words",
    "",
    "rule:     An example of each step, in an order that makes sense to the loader.",
    "source:   docs/cases.md",
    "tags:     tcp, udp",
    "xfail:    the kernel says no",
    "variants: same, other, third",
    "actors:   server (uid 1000, its own network namespace; sets net.ipv4.tcp_migrate_req=1), victim (uid 1000, server's network namespace), client (uid 1001, its own network namespace), r1 (uid 1000, its own network namespace), r6 (uid 1000, its own network namespace), admin (uid 0, its own network namespace; keeps setuid, net_admin)",
    "",
    "steps of same:",
  ]);
});

test("every step as a sentence: who does what, with which options, expecting what, and on which kernels something else", (t) => {
  const out = explainCase(c, claims, never, plain, undefined, 1000);
  const steps = out.slice(out.indexOf("steps of same:\n") + "steps of same:\n".length, out.indexOf("other differs:"));
  t.deepEqual(steps.split("\n"), [
    "   21  server makes a TCP IPv6 socket with IPV6_V6ONLY off and expects it to succeed",
    "   22  client makes a UDP socket with SO_RCVBUF=4096 and SO_SNDBUF=4096 and expects it to succeed",
    "   23  victim binds a new TCP socket to 0.0.0.0:8080 (every address) with SO_REUSEPORT and expects it to succeed",
    "   24  server binds its socket dual to [::]:8080 (every address) and expects it to succeed",
    "   25  victim listens on its socket with a backlog of 512 and expects it to succeed",
    "   26  server listens on its socket dual and expects it to succeed",
    "   27  client connects a new TCP socket to $victim:8080 and expects it to succeed",
    "   28  client connects its socket u to $server:5000 and expects it to succeed",
    "   29  client opens 10 TCP connections to $server:8080, each from its own port and expects 10",
    "   30  victim accepts up to 1 connection on its socket and keeps them open and expects 1",
    "   31  server accepts up to 10 connections on its socket dual and keeps them open and expects 10",
    "   32  client looks at the states of its namespace's TCP sockets on port 8080 and expects ESTABLISHED*8; on <5.14 it expects none; on 5.10 it expects LISTEN",
    "   34  client shuts its socket c1 down for writing and expects it to succeed",
    "   35  client closes its socket c1 and every connection it accepted and expects it to succeed",
    "   36  server closes the connections its socket dual accepted, keeping the listener and expects 10",
    "   37  victim closes its socket, the listener, but keeps the connections it accepted and expects it to succeed",
    "   38  client reads the time left on the TIME_WAIT timer of its namespace's TCP sockets on port 8080 and expects 55000..60000",
    "   39  r1 binds a new UDP socket to 0.0.0.0:5000 (every address) with SO_REUSEPORT and IP_MULTICAST_ALL off and expects it to succeed",
    "   40  r1 joins multicast group 239.1.1.1 via 0.0.0.0 on its socket and expects it to succeed",
    "   41  r6 binds a new UDP socket to [::]:5000 (every address) with SO_REUSEPORT and expects it to succeed",
    "   42  r6 joins multicast group ff02::1:3 via 2 on its socket and expects it to succeed",
    "   43  client sets SO_REUSEPORT and SO_INCOMING_CPU=0 on its socket u and expects it to succeed",
    "   44  client disconnects its socket u (connect() with AF_UNSPEC: a UDP socket forgets its peer) and expects it to succeed",
    "   45  client pins itself to CPU 0 and expects it to succeed",
    "   46  client sends 20 datagrams to $r1:5000 and expects 20",
    "   47  client makes a UDP socket with IP_MULTICAST_TTL=1 and IP_MULTICAST_LOOP off and IP_MULTICAST_IF=0.0.0.0 and expects it to succeed",
    "   48  client sends 1 datagram to 239.1.1.1:5000, each from a fresh socket (so a fresh source port) and expects 1",
    "   49  pair (r1, r6): each counts the datagrams that reach its own socket; together they expect total 21, each 0..21, fair; on host they expect one 21",
    "   51  server reads the sysctl net.ipv4.tcp_tw_reuse of its namespace and expects 0..2",
    "   52  admin switches to uid 1000 and expects it to succeed",
    "   53  admin waits 100 ms and expects it to succeed",
    "   54  victim is killed by SIGKILL, with every socket it holds and expects it to die of SIGKILL",
    "",
  ]);
});

test("the other variants: the steps that read differently, or a line saying only claims or requirements differ; the claims with their quotes", (t) => {
  const out = explainCase(c, claims, never, plain, undefined, 1000);
  t.true(
    out.endsWith(
      [
        "other differs:",
        "   23  victim binds a new TCP socket to 0.0.0.0:8080 (every address) with SO_REUSEADDR and expects it to succeed",
        "   24  server binds its socket dual to [::]:8080 (every address) and expects EADDRINUSE",
        "third differs:",
        "  (the same steps; only its claims or requirements differ)",
        "",
        "claims:",
        "  confirms c-one (same, other)",
        '           "Quote one." (Section one, line 10)',
        "  refutes  c-two (other)",
        '           "A longer quote, one that the explanation wraps when the terminal is narrow." (Section two, line 20)',
        "  partly   c-two (other, on <5.14)",
        '           "A longer quote, one that the explanation wraps when the terminal is narrow." (Section two, line 20)',
        "",
        "last observed: never run on this machine; try 'reuselab run --filter every-step'",
        "",
      ].join("\n"),
    ),
    out,
  );
});

test("one variant asked for: its steps in full, its claims, the filter to run it; long text wrapped to the width", (t) => {
  const out = explainCase(c, claims, never, plain, "other", 60);
  const lines = out.split("\n");
  t.deepEqual(lines.slice(3, 5), [
    "rule:     An example of each step, in an order that makes",
    "          sense to the loader.",
  ]);
  t.is(lines[8], "variants: same, other, third");
  t.deepEqual(lines.slice(9, 13), [
    "actors:   server (uid 1000, its own network namespace; sets",
    "          net.ipv4.tcp_migrate_req=1), victim (uid 1000,",
    "          server's network namespace), client (uid 1001, its",
    "          own network namespace), r1 (uid 1000, its own",
  ]);
  t.true(out.includes("steps of other:\n   21  server makes a TCP IPv6 socket"), out);
  t.true(
    out.includes("   24  server binds its socket dual to [::]:8080 (every address) and expects EADDRINUSE\n   25  "),
    out,
  );
  t.false(out.includes("differs:"));
  t.true(
    out.endsWith(
      [
        "claims:",
        "  confirms c-one (other)",
        '           "Quote one." (Section one, line 10)',
        "  refutes  c-two (other)",
        '           "A longer quote, one that the explanation wraps',
        '           when the terminal is narrow." (Section two,',
        "           line 20)",
        "  partly   c-two (other, on <5.14)",
        '           "A longer quote, one that the explanation wraps',
        '           when the terminal is narrow." (Section two,',
        "           line 20)",
        "",
        "last observed: never run on this machine; try 'reuselab run --filter every-step.other'",
        "",
      ].join("\n"),
    ),
    out,
  );
  t.true(explainCase(c, claims, never, plain, "third", 1000).includes("\nclaims:   none of the seed guide's claims\n"));
});

test("last observed: this case's runs by id, each step's observation, what it expected where it failed, and the problems of a run that did not pass", (t) => {
  const run = (variant: string, kernel: string) => ({
    id: `every-step.${variant}@${kernel}`,
    case: "every-step",
    variant,
    kernel,
    durationMs: 5,
  });
  const runs: LastResult[] = [
    {
      at: "2026-12-07T01:02:03.456Z",
      release: "6.18.44",
      result: {
        ...run("same", "host"),
        outcome: "passed",
        steps: [stepResult("ok", { ret: 0 }, { line: 23, actor: "victim", call: "bind tcp 0.0.0.0:8080 reuseport" })],
      },
    },
    {
      at: "2026-12-06T23:59:00.000Z",
      release: "",
      result: {
        ...run("other", "5.10"),
        outcome: "failed",
        failures: [
          {
            file,
            line: 24,
            actor: "server",
            call: "bind [::]:8080 on dual",
            message: "expected EADDRINUSE but got ok (ret 0)",
          },
        ],
        steps: [
          stepResult(
            "EADDRINUSE",
            { ret: 0 },
            { line: 24, actor: "server", call: "bind [::]:8080 on dual", ok: false },
          ),
        ],
      },
    },
    {
      at: "2026-12-07T01:02:03.456Z",
      release: "6.18.44",
      result: {
        id: "another.same@host",
        case: "another",
        variant: "same",
        kernel: "host",
        durationMs: 1,
        outcome: "passed",
        steps: [],
      },
    },
  ];
  const last = { path: ".cache/last-results.json", runs };
  const out = explainCase(c, claims, last, plain, undefined, 1000);
  t.true(
    out.endsWith(
      [
        "last observed (.cache/last-results.json):",
        "  FAIL  other@5.10  2026-12-06 23:59 UTC, release unknown",
        "     24  server bind: ok (ret 0) (expected EADDRINUSE)",
        `         ${file}:24: server: bind [::]:8080 on dual: expected EADDRINUSE but got ok (ret 0)`,
        "  PASS  same@host  2026-12-07 01:02 UTC, 6.18.44",
        "     23  victim bind: ok (ret 0)",
        "",
      ].join("\n"),
    ),
    out,
  );
  t.true(
    explainCase(c, claims, last, plain, "same", 1000).endsWith(
      "last observed (.cache/last-results.json):\n  PASS  same@host  2026-12-07 01:02 UTC, 6.18.44\n     23  victim bind: ok (ret 0)\n",
    ),
  );
  t.true(
    explainCase(c, claims, last, plain, "third", 1000).endsWith(
      "last observed: never run on this machine; try 'reuselab run --filter every-step.third'\n",
    ),
  );
});

test("in colour: the id bold, the file and line numbers dim, an outcome in its colour, a failed step's expectation red", (t) => {
  const runs: LastResult[] = [
    {
      at: "2026-12-07T01:02:03.456Z",
      release: "6.18.44",
      result: {
        id: "every-step.same@host",
        case: "every-step",
        variant: "same",
        kernel: "host",
        durationMs: 5,
        outcome: "failed",
        failures: [],
        steps: [stepResult("EADDRINUSE", { ret: 0 }, { line: 24, actor: "server", ok: false })],
      },
    },
  ];
  const out = explainCase(c, claims, { path: "p", runs }, colorsFor(true), "same", 1000);
  t.true(out.startsWith(`\x1b[1mevery-step\x1b[22m  \x1b[2m${file}\x1b[22m\n`));
  t.true(out.includes(`steps of \x1b[1msame\x1b[22m:\n  \x1b[2m 21\x1b[22m  server makes`));
  t.true(
    out.includes(
      `  \x1b[31mFAIL \x1b[39m same@host  \x1b[2m2026-12-07 01:02 UTC, 6.18.44\x1b[22m\n    \x1b[2m 24\x1b[22m  server bind: ok (ret 0)\x1b[31m (expected EADDRINUSE)\x1b[39m\n`,
    ),
    out,
  );
});

test("options set to 1 or 0, an actor's IPv6 address, a literal address that is not a wildcard, a listen with no backlog", (t) => {
  const text = `schemaVersion: 1
title: Addresses and options in words
rule: r
source: s
actors:
  a: { uid: 1000 }
  b: { uid: 1000 }
steps:
  - a: bind tcp [$b]:8080 reuseport=1 reuseaddr=0 => ok
  - a: listen
  - b: connect udp [::1]:53 => ok
  - b: bind udp 10.0.0.1:53 => EADDRINUSE
  - b: send 2 to $a:53 => 2
`;
  const folder = join(dir, "more");
  mkdirSync(folder);
  writeFileSync(join(folder, "words.yaml"), text);
  const [words] = loadCatalogue([folder]).cases;
  const out = explainCase(words!, [], never, plain, undefined, 1000);
  t.true(
    out.includes(
      [
        "steps of default:",
        "    9  a binds a new TCP socket to [$b]:8080 with SO_REUSEPORT and SO_REUSEADDR off and expects it to succeed",
        "   10  a listens on its socket and expects it to succeed",
        "   11  b connects a new UDP socket to [::1]:53 and expects it to succeed",
        "   12  b binds a new UDP socket to 10.0.0.1:53 and expects EADDRINUSE",
        "   13  b sends 2 datagrams to $a:53 and expects 2",
        "",
        "claims:   none of the seed guide's claims",
      ].join("\n"),
    ),
    out,
  );
  t.true(
    out.includes(
      "\ntags:     none\nvariants: default\nactors:   a (uid 1000, its own network namespace), b (uid 1000, its own network namespace)\n",
    ),
    out,
  );
});
