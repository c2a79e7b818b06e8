// Groups, sysctls, capabilities, claims, variant-keyed steps and steps a variant leaves out.
import test from "ava";
import { loadCase } from "../../lab/case/load-case";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";

const load = (yaml: string) => loadCase("x.yaml", "x", head + yaml);
const messages = (yaml: string) => load(yaml).problems.map((p) => `${p.line}: ${p.message}`);

test("groups: a counting step given to a group becomes one step per member, judged together", (t) => {
  const { case: c, problems } = load(`actors:
  w1: { uid: 1000 }
  w2: { uid: 1000, netns: w1 }
groups:
  workers: [w1, w2]
steps:
  - w1: bind udp 0.0.0.0:5000 reuseport
  - w2: bind udp 0.0.0.0:5000 reuseport
  - workers: recv => total 10, each 2..8
`);
  t.deepEqual(problems, []);
  const step = c!.variants[0]!.steps[2]!;
  t.is(step.actor, "workers");
  t.deepEqual(
    step.members?.map((m) => [m.actor, m.step.kind]),
    [
      ["w1", "recv"],
      ["w2", "recv"],
    ],
  );
  t.deepEqual(step.expect, { kind: "group", total: { min: 10, max: 10 }, each: { min: 2, max: 8 } });
});

test("group mistakes: unknown member, a call a group cannot make, a missing expectation", (t) => {
  const p = messages(`actors:
  w1: { uid: 1000 }
  w2: { uid: 1000 }
groups:
  workers: [w1, w3]
  pair: [w1, w2]
steps:
  - w1: bind udp 0.0.0.0:5000
  - w2: bind udp 0.0.0.0:5000
  - pair: listen
  - pair: recv
`);
  t.true(
    p.some((m) => /^9: group 'workers' names unknown actor 'w3'/.test(m)),
    p.join("\n"),
  );
  t.true(
    p.some((m) => /^14: listen: a group can only accept or recv, not listen/.test(m)),
    p.join("\n"),
  );
  t.true(
    p.some((m) => /^15: recv: a group's recv needs an expectation/.test(m)),
    p.join("\n"),
  );
});

test("sysctls belong to the namespace, capabilities to the actor", (t) => {
  const { case: c, problems } = load(`actors:
  a: { uid: 0, caps: [setuid, net_admin], sysctls: { net.ipv4.tcp_migrate_req: 1 } }
  b: { uid: 1000, netns: a, sysctls: { net.ipv4.tcp_fin_timeout: 5 } }
steps:
  - a: sleep 1
`);
  t.deepEqual(problems, []);
  const v = c!.variants[0]!;
  t.deepEqual(
    v.actors.map((x) => [x.name, x.caps]),
    [
      ["a", ["SETUID", "NET_ADMIN"]],
      ["b", []],
    ],
  );
  t.deepEqual(v.namespaces, [
    { name: "a", sysctls: { "net.ipv4.tcp_migrate_req": "1", "net.ipv4.tcp_fin_timeout": "5" } },
  ]);
});

test("bad sysctls and capabilities, and one sysctl set two ways in a namespace", (t) => {
  const p = messages(`actors:
  a: { uid: 0, caps: [sys_admin], sysctls: { kernel.pid_max: 5, net.ipv4.tcp_fin_timeout: 5 } }
  b: { uid: 1000, netns: a, sysctls: { net.ipv4.tcp_fin_timeout: 9 } }
steps:
  - a: sleep 1
`).join("\n");
  t.regex(p, /capability 'sys_admin' cannot be given to an actor/);
  t.regex(p, /'kernel.pid_max' is not a network-namespace sysctl/);
  t.regex(p, /sysctl net.ipv4.tcp_fin_timeout of netns 'a' is set to both 5 and 9/);
});

test("claims at case and variant level; a variant parameter in a step's key; an empty parameter step is left out", (t) => {
  const { case: c, problems } = load(`claims: { refutes: [c1] }
variants:
  ab: { first: a, second: b, extra: "", claims: { confirms: [c2] } }
  ba: { first: b, second: a, extra: "sleep 5" }
actors:
  a: { uid: 1000 }
  b: { uid: 1001, netns: a }
steps:
  - "{first}": bind udp 0.0.0.0:5000 reuseaddr
  - "{second}": bind udp 0.0.0.0:5000 reuseaddr
  - a: "{extra}"
`);
  t.deepEqual(problems, []);
  const [ab, ba] = c!.variants;
  t.deepEqual(
    ab!.claims.map((r) => [r.id, r.relation]),
    [
      ["c1", "refutes"],
      ["c2", "confirms"],
    ],
  );
  t.deepEqual(
    ba!.claims.map((r) => r.id),
    ["c1"],
  );
  t.deepEqual(
    ab!.steps.map((s) => s.actor),
    ["a", "b"],
    "the empty {extra} step is not in ab",
  );
  t.deepEqual(
    ba!.steps.map((s) => `${s.actor}: ${s.text}`),
    ["b: bind udp 0.0.0.0:5000 reuseaddr", "a: bind udp 0.0.0.0:5000 reuseaddr", "a: sleep 5"],
  );
});

test("[$actor] is an actor's IPv6 address; a socket made for it is IPv6", (t) => {
  const { case: c, problems } = load(`actors:
  s: { uid: 1000 }
  c: { uid: 1000 }
steps:
  - c: connect tcp [$s]:80 => ECONNREFUSED
`);
  t.deepEqual(problems, []);
  t.like(c!.variants[0]!.steps[0], {
    step: {
      kind: "connect",
      create: { proto: "tcp", family: 6 },
      endpoint: { host: { kind: "actor", actor: "s", family: 6 } },
    },
  });
  t.regex(
    messages("actors:\n  s: { uid: 1 }\nsteps:\n  - s: bind tcp [$s:80\n").join(),
    /is not an ADDRESS:PORT|unmatched bracket/,
  );
});

test("group members, group names and actor names may be variant parameters", (t) => {
  const { case: c, problems } = load(`variants:
  first: { lead: w1, other: w2, pool: pair }
  second: { lead: w2, other: w1, pool: duo }
actors:
  w1: { uid: 1000 }
  w2: { uid: 1000, netns: w1 }
  "{other}x": { uid: 1001 }
groups:
  "{pool}": ["{lead}", "{other}"]
steps:
  - "{lead}": bind udp 0.0.0.0:5000 reuseport
  - "{other}": bind udp 0.0.0.0:5000 reuseport
  - "{other}x": send 4 to $w1:5000 varying-port
  - "{pool}": recv => total 4
`);
  t.deepEqual(problems, []);
  const [first, second] = c!.variants;
  t.deepEqual(
    first!.actors.map((a) => a.name),
    ["w1", "w2", "w2x"],
  );
  t.deepEqual(
    second!.actors.map((a) => a.name),
    ["w1", "w2", "w1x"],
  );
  t.deepEqual([first!.steps[3]!.actor, first!.steps[3]!.members?.map((m) => m.actor)], ["pair", ["w1", "w2"]]);
  t.deepEqual([second!.steps[3]!.actor, second!.steps[3]!.members?.map((m) => m.actor)], ["duo", ["w2", "w1"]]);
});

test("a group member that is an undefined parameter is named as one, once", (t) => {
  const p = messages(`variants:
  one: { lead: w1 }
actors:
  w1: { uid: 1000 }
  w2: { uid: 1000 }
groups:
  pool: ["{lead}", "{nope}"]
steps:
  - w1: bind udp 0.0.0.0:5000
`);
  t.deepEqual(p, ["11: '{nope}' is not a parameter of this variant"]);
});

test("a line that does not parse is reported once; a socket that was never made is still reported", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
  b: { uid: 1000 }
steps:
  - a: bind tcp 0.0.0.0:99999 as l
  - a: listen on l
  - a: accept
  - b: listen
  - a: close nope
`);
  t.deepEqual(p, [
    "9: bind: port '99999' is out of range",
    "12: listen: b has no socket yet",
    "13: close: a has no socket named 'nope'",
  ]);
});

test("address families: a socket keeps its family, options fit it, zones are refused", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
steps:
  - a: socket udp v6 as six
  - a: bind 0.0.0.0:53 on six
  - a: socket tcp v6 v6only=0
  - a: socket tcp v4 v6only
  - a: connect tcp [::1%lo]:80
  - a: bind udp [::]:5353 v6only mcast-if=10.0.0.1
`);
  t.deepEqual(p, [
    "9: bind: '0.0.0.0' is an IPv4 address, but a's 'six' is an IPv6 socket",
    "11: socket: option 'v6only' is for IPv6 sockets; the socket this step makes is IPv4",
    "12: connect: '[::1%lo]' has an IPv6 zone ('%lo'), which the lab does not support",
    "13: bind: option 'mcast-if' is for IPv4 sockets; the socket this step makes is IPv6",
  ]);
});

test("linger takes whole seconds (0 aborts with a RST), bind-address-no-port is a flag; both fit either family", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
steps:
  - a: bind tcp 0.0.0.0:80 linger=0 as ok4
  - a: socket tcp v6 linger=5 bind-address-no-port as ok6
  - a: socket tcp v4 linger
  - a: socket tcp v4 linger=-1
  - a: socket tcp v4 linger=70000
  - a: socket tcp v4 bind-address-no-port=2
`);
  t.deepEqual(p, [
    "10: socket: option 'linger' needs a value",
    "11: socket: option 'linger' takes whole seconds from 0 to 65535, not '-1'",
    "12: socket: option 'linger' takes whole seconds from 0 to 65535, not '70000'",
    "13: socket: option 'bind-address-no-port' is 0 or 1, not '2'",
  ]);
});

test("disconnect takes only 'on NAME', and needs a socket", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
  b: { uid: 1000 }
steps:
  - a: bind udp 0.0.0.0:5000 as u
  - a: disconnect on u
  - a: disconnect now
  - b: disconnect
`);
  t.deepEqual(p, ["11: disconnect: unexpected 'now'", "12: disconnect: b has no socket yet"]);
});

test("words that name Object.prototype members are not socket options", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
steps:
  - a: bind udp 0.0.0.0:5353 constructor=1
  - a: setsockopt toString on s1
`);
  t.deepEqual(p, ["8: bind: unknown socket option 'constructor'", "9: setsockopt: unknown socket option 'toString'"]);
});

test("a stray key beside a step is reported, and does not hide a later missing socket", (t) => {
  const p = messages(`actors:
  a: { uid: 1000 }
  b: { uid: 1000 }
steps:
  - a: bind tcp 0.0.0.0:80
    kernel: { "<5.14": EADDRINUSE }
  - a: listen
  - b: listen
`);
  t.deepEqual(p, ["9: unknown step key 'kernel'", "12: listen: b has no socket yet"]);
});
