import test from "ava";
import { loadCase } from "../../lab/case/load-case";
import { loadCases } from "../../lab/case/load-cases";
import { CaseProblemsError } from "../../lab/problems";

const head = `schemaVersion: 1
title: t
rule: r
source: s
`;

function problems(yaml: string): string[] {
  return loadCase("x.yaml", "x", yaml).problems.map((p) => `${p.line}: ${p.message}${p.fix ? ` | ${p.fix}` : ""}`);
}

test("a valid case becomes variants, actors and typed steps with their lines", (t) => {
  const { case: c, problems: p } = loadCase(
    "x.yaml",
    "topic/x",
    `${head}variants:
  a: { uid: 1001, want: EADDRINUSE }
  b: { uid: 1000, want: ok }
actors:
  first: { uid: 1000 }
  second: { uid: "{uid}", netns: first }
steps:
  - first: bind tcp 0.0.0.0:8080 reuseport
  - first: listen
  - second: bind tcp $first:8080 reuseport => {want}
`,
  );
  t.deepEqual(p, []);
  t.is(c!.id, "topic/x");
  t.deepEqual(
    c!.variants.map((v) => v.name),
    ["a", "b"],
  );
  const [a, b] = c!.variants;
  t.deepEqual(
    a!.actors.map((x) => [x.name, x.uid, x.netns]),
    [
      ["first", 1000, "first"],
      ["second", 1001, "first"],
    ],
  );
  t.is(b!.actors[1]!.uid, 1000);
  const last = a!.steps[2]!;
  t.is(last.source.line, 14);
  t.deepEqual(last.expect, { kind: "errno", name: "EADDRINUSE" });
  t.deepEqual(b!.steps[2]!.expect, { kind: "ok" });
  t.like(last.members ? undefined : last.step, {
    kind: "bind",
    create: { proto: "tcp", family: 4 },
    endpoint: { host: { kind: "actor", actor: "first" }, port: 8080 },
  });
  t.like(a!.steps[1]!.members ? undefined : a!.steps[1]!.step, { kind: "listen", sock: "s1", backlog: 128 });
});

test("a YAML error, an unknown actor and an unknown option are all reported, with their lines", (t) => {
  const p = problems(`${head}actors:
  victim: { uid: 1000 }
  attacker: { uid: 1001, netns: victim
steps:
  - victim: bind udp 0.0.0.0:5353 reuseadr
  - ghost: listen
`);
  t.is(p.length, 3, p.join("\n"));
  t.regex(p[0]!, /^7: YAML: '\{' is not closed/);
  t.regex(p[1]!, /^9: bind: unknown socket option 'reuseadr' \| did you mean 'reuseaddr'\?/);
  t.regex(p[2]!, /^10: unknown actor 'ghost' \| known actors: victim, attacker/);
});

test("step grammar errors name the fix", (t) => {
  const p = problems(`${head}actors:
  a: { uid: 1000 }
steps:
  - a: listen
  - a: bind tcp 1.2.3:80
  - a: bind tcp 0.0.0.0:70000
  - a: socket udp
  - a: recv
  - a: recv => EADDRNOTINUSE
  - a: bind 0.0.0.0:80 => 20
  - a: frobnicate
  - a: close nope
`);
  t.deepEqual(
    p.map((x) => x.split(" | ")[0]),
    [
      "8: listen: a has no socket yet",
      "9: bind: '1.2.3' is not an IPv4 address, [IPv6] address or $actor",
      "10: bind: port '70000' is out of range",
      "12: recv: 'recv' needs an expectation",
      "13: recv: unknown errno 'EADDRNOTINUSE'",
      "14: bind: this step cannot expect a count",
      "15: unknown call 'frobnicate'",
      "16: close: a has no socket named 'nope'",
    ],
  );
});

test("missing fields, unknown keys, bad uids and netns loops are reported", (t) => {
  const p = problems(`schemaVersion: 2
titel: x
actors:
  a: { uid: -5, netns: b }
  b: { uid: 1000, netns: a, gid: 3 }
steps:
  - a: sleep 10
`);
  const text = p.join("\n");
  t.regex(text, /1: schemaVersion 2 is not supported/);
  t.regex(text, /2: unknown key 'titel' \| did you mean 'title'\?/);
  t.regex(text, /missing 'title'/);
  t.regex(text, /missing 'rule'/);
  t.regex(text, /4: uid '-5' of actor 'a' is not a whole number/);
  t.regex(text, /5: unknown actor key 'gid'/);
  t.regex(text, /shares a netns in a loop/);
});

test("a variant parameter used but not defined is an error", (t) => {
  const p = problems(`${head}variants:
  a: { x: 1 }
actors:
  a: { uid: 1000 }
steps:
  - a: sleep {y}
`);
  t.true(
    p.some((x) => /^10: '\{y\}' is not a parameter of this variant/.test(x)),
    p.join("\n"),
  );
});

test("loadCases throws one error listing the problems of every file, and rejects duplicate ids", (t) => {
  const e = t.throws(() => loadCases(["test/fixtures/bad"]), { instanceOf: CaseProblemsError });
  t.is(e!.code, "REUSELAB_BAD_CASES");
  t.regex(e!.message, /broken\.yaml:7: YAML/);
  t.regex(e!.message, /broken\.yaml:9: bind: unknown socket option 'reuseadr'/);
  t.regex(e!.message, /broken\.yaml:10: unknown actor 'ghost'/);
});

test("the shipped catalogue loads without a problem", (t) => {
  const cases = loadCases(["cases"]);
  t.true(cases.length >= 4);
  for (const c of cases) {
    t.truthy(c.rule, `${c.id} states its rule`);
    t.truthy(c.source, `${c.id} says where the rule lives`);
  }
});
