// The steps of a case (lab/case/read-steps.ts) where they are not plain "- actor: call": a key with no
// value, an unquoted {param} read as a mapping, an unknown actor among groups, `kernels:` beside a step,
// and groups of the wrong shape. Each problem with its line and its fix; what is right, as the loader reads it.
import test from "ava";
import type { Node } from "yaml";
import { loadCase } from "../../lab/case/load-case";
import { readGroups } from "../../lab/case/read-steps";
import { YamlFile } from "../../lab/case/yaml-file";
import type { Problem } from "../../lab/problems";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
const load = (yaml: string) => loadCase("x.yaml", "x", head + yaml);
const problems = (yaml: string) => load(yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const A = "actors:\n  a: { uid: 1 }\n";
const AB = "actors:\n  a: { uid: 1 }\n  b: { uid: 1 }\n";

test("a step key with no value at all gives its actor no call", (t) => {
  t.deepEqual(problems(`${A}steps:\n  - ? a\n  - a: sleep 1\n`), [
    "8: the step gives 'a' no call | write - a: CALL => EXPECTATION, e.g. - a: listen",
  ]);
});

test("an unquoted {param} is a mapping to YAML, however its value is written", (t) => {
  const fix = "quote it: - a: '{drop}'";
  t.deepEqual(problems(`${A}steps:\n  - a: {drop: }\n  - a: {drop: ~}\n  - a: {drop}\n  - a: {drop: 1}\n`), [
    `8: YAML reads '{drop}' as a mapping, not as a variant parameter | ${fix}`,
    `9: YAML reads '{drop}' as a mapping, not as a variant parameter | ${fix}`,
    `10: YAML reads '{drop}' as a mapping, not as a variant parameter | ${fix}`,
    "11: a step is one line: '- actor: call => expectation' | e.g. - victim: bind tcp 0.0.0.0:8080 reuseaddr => ok",
  ]);
});

test("an unknown actor: the closest name, else the actors (and groups, when there are some)", (t) => {
  t.deepEqual(problems(`${AB}groups:\n  g: [a, b]\nsteps:\n  - zzzzz: sleep 1\n`), [
    "11: unknown actor 'zzzzz' | known actors and groups: a, b, g",
  ]);
  t.deepEqual(problems(`${A}steps:\n  - zzzzz: sleep 1\n`), ["8: unknown actor 'zzzzz' | known actors: a"]);
  t.deepEqual(problems(`${AB}steps:\n  - c: sleep 1\n`), ["9: unknown actor 'c' | did you mean 'a'?"]);
});

test("kernels: beside a step, read into selectors and expectations", (t) => {
  const { case: c, problems: p } = load(
    `${A}steps:\n  - a: bind udp 0.0.0.0:1 => ok\n    kernels: { '<5.14': EADDRINUSE, host: ok }\n  - a: close\n`,
  );
  t.deepEqual(p, []);
  t.deepEqual(c!.variants[0]!.steps[0]!.byKernel, [
    { selector: { kind: "version", op: "<", version: [5, 14] }, expect: { kind: "errno", name: "EADDRINUSE" } },
    { selector: { kind: "id", id: "host" }, expect: { kind: "ok" } },
  ]);
  t.deepEqual(c!.variants[0]!.steps[1]!.byKernel, []);
});

test("kernels: of the wrong shape, a bad selector, no expectation, a wrong one; other step keys", (t) => {
  t.deepEqual(
    problems(
      `${A}steps:\n  - a: sleep 1\n    kernels: [1]\n  - a: sleep 1\n    kernels: { '<5.14': [1], '6.1': ~ , '>=6': x, host: frob }\n    foo: 1\n`,
    ),
    [
      `9: 'kernels' maps a kernel selector to what the step expects there | e.g. kernels: { "<5.14": 0 }`,
      "10: unknown step key 'foo' | a step may only add 'kernels: { SELECTOR: EXPECTATION }'",
      `11: kernels: '<5.14' needs one expectation | e.g. kernels: { "<5.14": EADDRINUSE }`,
      `11: kernels: '6.1' needs one expectation | e.g. kernels: { "6.1": EADDRINUSE }`,
      "11: '>=6' is not a kernel selector | write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)",
      "11: kernels: 'frob' is not an expectation | write ok, an errno (EADDRINUSE), a count (20) or range (25..75), killed, or TCP states (FIN_WAIT2, none); known states: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV",
    ],
  );
});

test("a group's step: one step per member, its expectation and kernels: judged together", (t) => {
  const { case: c, problems: p } = load(
    `${AB}groups:\n  g: [a, b]\nsteps:\n  - a: bind udp 0.0.0.0:1\n  - b: bind udp 0.0.0.0:1\n  - g: recv => total 4\n    kernels: { '<5.14': EAGAIN }\n`,
  );
  t.deepEqual(p, []);
  t.deepEqual(c!.variants[0]!.steps[2], {
    actor: "g",
    text: "recv",
    members: [
      { actor: "a", step: { kind: "recv", sock: "s1" } },
      { actor: "b", step: { kind: "recv", sock: "s1" } },
    ],
    phrase: "counts the datagrams that reach its socket",
    expect: { kind: "group", total: { min: 4, max: 4 } },
    byKernel: [{ selector: { kind: "version", op: "<", version: [5, 14] }, expect: { kind: "errno", name: "EAGAIN" } }],
    source: { file: "x.yaml", line: 13 },
  });
});

test("a step: two '=>', a verb's own message said once, a usage as the fix", (t) => {
  t.deepEqual(problems(`${A}steps:\n  - a: sleep 1 => ok => ok\n  - a: send\n  - a: listen now\n`), [
    "8: a step has at most one '=>' | keep one; what differs by kernel goes in 'kernels: { SELECTOR: EXPECTATION }' under the step",
    "9: send: datagram count '' is not a whole number from 0 to 1000000 | usage: send N to ADDRESS:PORT [on NAME | varying-port]",
    "10: listen: backlog 'now' is not a whole number from 0 to 65535 | usage: listen [BACKLOG] [on NAME]",
  ]);
});

test("groups: not a mapping; a member that is not a name", (t) => {
  t.deepEqual(problems(`${AB}groups: [a]\nsteps:\n  - a: sleep 1\n`), [
    "8: 'groups' maps a group's name to a list of actors | e.g. groups: { workers: [w1, w2, w3] }",
  ]);
  t.deepEqual(problems(`${AB}groups:\n  g: [a, [b]]\nsteps:\n  - a: sleep 1\n`), [
    "9: group 'g' names unknown actor '' | did you mean 'a'?",
  ]);
  t.deepEqual(problems(`${AB}groups:\n  g: a\nsteps:\n  - a: sleep 1\n`), [
    "9: group 'g' needs a list of at least two actors | e.g. g: [w1, w2]",
  ]);
});

test("a group expects group clauses or an errno, beside the step and under kernels: alike", (t) => {
  const fix = "a group expects clauses: total N|A..B, each N|A..B, one N, fair";
  t.deepEqual(
    problems(
      `${AB}groups:\n  g: [a, b]\nsteps:\n  - a: bind udp 0.0.0.0:1\n  - b: bind udp 0.0.0.0:1\n` +
        "  - g: recv => ok\n  - g: recv => 5\n  - g: recv => EAGAIN\n  - g: recv => total 4\n    kernels: { host: ok, '6.1': 3, '6.12': EAGAIN }\n",
    ),
    [
      `13: recv: 'ok' is not a group expectation | ${fix}`,
      `14: recv: '5' is not a group expectation | ${fix}`,
      `17: kernels: 'ok' is not a group expectation | ${fix}`,
      `17: kernels: '3' is not a group expectation | ${fix}`,
    ],
  );
});

test("readGroups: a group's name and members may be parameters; one with an unknown parameter is left out", (t) => {
  const y = new YamlFile("g.yaml", "groups:\n  '{g}': ['{first}', w2]\n  other: [w1, '{nope}']\n  w3: [w1, w2]\n");
  const reported: Problem[] = [];
  const groups = readGroups(
    y,
    y.root()!.get("groups", true) as Node,
    ["w1", "w2", "w3"],
    new Map([
      ["g", "workers"],
      ["first", "w1"],
    ]),
    (p) => reported.push(p),
  );
  t.deepEqual([...groups], [["workers", ["w1", "w2"]]]);
  t.deepEqual(reported, [
    {
      file: "g.yaml",
      line: 3,
      message: "'{nope}' is not a parameter of this variant",
      fix: "define it under every variant in 'variants'",
    },
    { file: "g.yaml", line: 4, message: "group 'w3' has the name of an actor", fix: "rename the group, e.g. workers" },
  ]);
  t.deepEqual([...readGroups(y, undefined, ["w1"], new Map(), (p) => reported.push(p))], []);
  t.is(reported.length, 2);
});

test("a step of parameters that are all empty is no call; one empty parameter alone leaves the step out", (t) => {
  t.deepEqual(
    problems(
      "variants:\n  v: { a: '', b: '' }\nactors:\n  x: { uid: 1 }\nsteps:\n  - x: '{a}{b}'\n  - x: ' {a} '\n  - x: => ok\n  - x: sleep 1\n",
    ),
    [
      "10: the step gives 'x' no call | write - x: CALL => EXPECTATION, e.g. - x: listen",
      "12: unknown call '' | known calls: accept, bind, close, close-accepted, close-listener, connect, connect-many, crash, disconnect, getsockopt, join, listen, pin-cpu, recv, send, setsockopt, … (23 in all)",
    ],
  );
});

test("each step problem with its fix: a group's call, a group's and a verb's missing expectation, unknown parameters", (t) => {
  t.deepEqual(
    problems(
      `${AB}groups:\n  g: [a, b]\nsteps:\n  - a: bind udp 0.0.0.0:1\n  - b: bind udp 0.0.0.0:1\n` +
        "  - g: listen\n  - g: recv\n  - a: recv\n  - '{who}': sleep {n}\n",
    ),
    [
      "13: listen: a group can only accept or recv, not listen | give the step to each actor instead",
      "14: recv: a group's recv needs an expectation | e.g. => total 200, each 30..70, fair",
      "15: recv: 'recv' needs an expectation | write '=> …' (usage: recv [within MS] [on NAME] => COUNT)",
      "16: '{who}' is not a parameter of this variant | define it under every variant in 'variants'",
      "16: '{n}' is not a parameter of this variant | define it under every variant in 'variants'",
    ],
  );
});

test("a mapping of two names is not a {param}; a verb's own message is said as it is; kernels: found among other keys", (t) => {
  t.deepEqual(
    problems(
      `${A}steps:\n  - a: {x, y}\n  - a: send 0 to 127.0.0.1:1\n  - a: sleep 1\n    foo: 1\n    kernels: { host: EAGAIN }\n`,
    ),
    [
      "8: a step is one line: '- actor: call => expectation' | e.g. - victim: bind tcp 0.0.0.0:8080 reuseaddr => ok",
      "9: send needs at least one datagram | usage: send N to ADDRESS:PORT [on NAME | varying-port]",
      "10: unknown step key 'foo' | a step may only add 'kernels: { SELECTOR: EXPECTATION }'",
      "12: kernels: this step cannot expect an errno | it expects ok",
    ],
  );
});

test("a group's members are given the call's words; a step's text is its call, trimmed before '=>'", (t) => {
  const { case: c, problems: p } = load(
    `${AB}groups:\n  g: [a, b]\nsteps:\n  - a: bind udp 0.0.0.0:1\n  - b: bind udp 0.0.0.0:1\n  - g: recv within 50 => total 4\n  - a: sleep 1 => ok\n`,
  );
  t.deepEqual(p, []);
  const [, , group, sleep] = c!.variants[0]!.steps;
  t.deepEqual(group!.members, [
    { actor: "a", step: { kind: "recv", sock: "s1", timeoutMs: 50 } },
    { actor: "b", step: { kind: "recv", sock: "s1", timeoutMs: 50 } },
  ]);
  t.is(group!.text, "recv within 50");
  t.is(sleep!.text, "sleep 1");
});
