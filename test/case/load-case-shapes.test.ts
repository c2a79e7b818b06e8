// What the loader (lab/case/load-case.ts) calls a value of the wrong shape at the top of a case file
// ("'title' is the number 12, not text"), and how it reads what is right: trimmed text, tags, xfail,
// variants with no parameters or an empty one.
import test from "ava";
import { loadCase } from "../../lab/case/load-case";

const BODY = "actors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const problems = (yaml: string) =>
  loadCase("x.yaml", "x", yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const withTitle = (value: string) => problems(`schemaVersion: 1\ntitle: ${value}\nrule: r\nsource: s\n${BODY}`);

test("a title that is not text is named by what it is", (t) => {
  const fix = "write title: a one-line summary of the behaviour";
  const cases: [string, string][] = [
    ["12", "the number 12"],
    ["1.5", "the number 1.5"],
    ["true", "the boolean true"],
    ['""', "empty"],
    ["'  '", "empty"],
    ["~", "empty"],
    ["[a]", "a list"],
    ["[]", "an empty list"],
    ["{a: 1}", "a mapping"],
    ["{}", "an empty mapping"],
  ];
  for (const [value, what] of cases) t.deepEqual(withTitle(value), [`2: 'title' is ${what}, not text | ${fix}`], value);
});

test("a missing rule or source is put on the first line, with what to write", (t) => {
  t.deepEqual(problems(`schemaVersion: 1\ntitle: t\n${BODY}`), [
    "1: missing 'rule' | add rule: the kernel rule this case checks, in words",
    "1: missing 'source' | add source: where the rule lives, e.g. net/ipv4/udp.c: compute_score()",
  ]);
});

test("actors and steps of the wrong shape say what they are", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  const actorsFix = "map each actor's name to { uid, netns }, e.g. actors: { victim: { uid: 1000 } }";
  const stepsFix = "list the steps, one '- actor: call => expectation' per line";
  t.deepEqual(problems(`${head}actors: [a]\nsteps: {}\n`), [
    `5: 'actors' is a list | ${actorsFix}`,
    `6: 'steps' is an empty mapping | ${stepsFix}`,
  ]);
  t.deepEqual(problems(`${head}actors: 5\nsteps: x\n`), [
    `5: 'actors' is the number 5 | ${actorsFix}`,
    `6: 'steps' is 'x' | ${stepsFix}`,
  ]);
  t.deepEqual(problems(`${head}actors:\nsteps:\n`), [
    `5: 'actors' is empty | ${actorsFix}`,
    `6: 'steps' is empty | ${stepsFix}`,
  ]);
  t.deepEqual(problems(`${head}actors: {}\nsteps: []\n`), [
    `5: 'actors' is an empty mapping | ${actorsFix}`,
    `6: 'steps' is an empty list | ${stepsFix}`,
  ]);
  t.deepEqual(problems(head), [`1: a case needs 'actors' | ${actorsFix}`, `1: a case needs 'steps' | ${stepsFix}`]);
});

test("tags are a list of words; xfail is text", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  t.deepEqual(problems(`${head}tags: [a, 1]\nxfail: 3\n${BODY}`), [
    "5: 'tags' is a list of words | write e.g. tags: [udp, hijack]",
    "6: xfail is the reason the case is known to fail, as text | e.g. xfail: the kernel resets queued connections",
  ]);
  t.deepEqual(problems(`${head}tags: a\n${BODY}`), ["5: 'tags' is a list of words | write e.g. tags: [udp, hijack]"]);
});

test("schemaVersion: the text '1' (spaces too) is told apart from another version", (t) => {
  const rest = `title: t\nrule: r\nsource: s\n${BODY}`;
  t.deepEqual(problems(`schemaVersion: " 1 "\n${rest}`), [
    "1: schemaVersion is the text ' 1 ', not the number 1 | write 'schemaVersion: 1', without quotes",
  ]);
  t.deepEqual(problems(`schemaVersion: "1.0"\n${rest}`), [
    "1: schemaVersion 1.0 is not supported | write 'schemaVersion: 1'",
  ]);
  t.deepEqual(problems(`title: t\nschemaVersion: 2\nrule: r\nsource: s\n${BODY}`), [
    "2: schemaVersion 2 is not supported | write 'schemaVersion: 1'",
  ]);
  t.deepEqual(problems(rest), ["1: missing schemaVersion | write 'schemaVersion: 1'"]);
});

test("a valid case: text trimmed, tags and xfail kept; no tags, no xfail, no fix leave them out", (t) => {
  const { case: c, problems: p } = loadCase(
    "x.yaml",
    "topic/x",
    `schemaVersion: 1\ntitle: '  t  '\nrule: " r "\nsource: s\ntags: [a, b]\nxfail: why\n${BODY}`,
  );
  t.deepEqual(p, []);
  t.like(c, { id: "topic/x", file: "x.yaml", title: "t", rule: "r", source: "s", tags: ["a", "b"], xfail: "why" });
  t.false("fix" in c!);
  const bare = loadCase("x.yaml", "x", `schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n${BODY}`).case!;
  t.deepEqual(bare.tags, []);
  t.false("xfail" in bare);
  t.false("fix" in bare);
  t.deepEqual(
    bare.variants.map((v) => v.name),
    ["default"],
  );
});

test("variants: one with no parameters, one with an empty parameter; one that is not a mapping", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  const { case: c, problems: p } = loadCase(
    "x.yaml",
    "x",
    `${head}variants:\n  v1:\n  v2: { p: , q: 3 }\n  v3: { p: 0, q: 4 }\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep {q}{p}\n`,
  );
  // v1 has neither p nor q: its step names the missing parameter.
  t.deepEqual(
    p.map((x) => `${x.line}: ${x.message}`),
    ["12: '{q}' is not a parameter of this variant", "12: '{p}' is not a parameter of this variant"],
  );
  t.is(c, null);
  const ok = loadCase(
    "x.yaml",
    "x",
    `${head}variants:\n  v2: { p: , q: 3 }\n  v3: { p: 0, q: 4 }\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep {q}{p}\n`,
  );
  t.deepEqual(ok.problems, []);
  t.deepEqual(
    ok.case!.variants.map((v) => [v.name, v.steps[0]!.text]),
    [
      ["v2", "sleep 3"],
      ["v3", "sleep 40"],
    ],
  );
  t.deepEqual(problems(`${head}variants:\n  v1: 3\n  v2: [a]\n  v3: { q: [1] }\n${BODY}`), [
    "6: variant 'v1' needs a mapping of parameters (or nothing) | write v1: { param: value }",
    "7: variant 'v2' needs a mapping of parameters (or nothing) | write v2: { param: value }",
    "8: variant parameter 'q' must be a single value | write q: VALUE (quote it if it has spaces or starts with [ or {)",
  ]);
  t.deepEqual(problems(`${head}variants: []\n${BODY}`), [
    "5: 'variants' maps each variant's name to its parameters | e.g. variants: { v4: { any: 0.0.0.0 }, v6: { any: '[::]' } }",
  ]);
});

test("a problem every variant has is said once; one that differs by variant, once per variant", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  t.deepEqual(
    problems(
      `${head}variants:\n  v1: { n: 1 }\n  v2: { n: 2 }\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: frob\n  - a: sleep x{n}\n`,
    ).map((p) => p.split(" | ")[0]),
    [
      "11: unknown call 'frob'",
      "12: sleep: duration 'x1' is not a whole number from 0 to 600000",
      "12: sleep: duration 'x2' is not a whole number from 0 to 600000",
    ],
  );
});

test("variant names are lower-case letters, digits and -, starting with a letter or digit", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  const fix = "it becomes part of each run's id (case.variant@kernel): write e.g. v4, same-uid";
  t.deepEqual(
    problems(`${head}variants:\n  V1: { n: 1 }\n  v_2: { n: 2 }\n  -v: {}\n  9v: {}\n  a-b: {}\n  x!: {}\n${BODY}`),
    [
      `6: variant name 'V1' is not lower-case letters, digits and - | ${fix}`,
      `7: variant name 'v_2' is not lower-case letters, digits and - | ${fix}`,
      `8: variant name '-v' is not lower-case letters, digits and - | ${fix}`,
      `11: variant name 'x!' is not lower-case letters, digits and - | ${fix}`,
    ],
  );
});

test("after a YAML error its line is quiet, and a part left missing is no problem; other lines still speak", (t) => {
  const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
  t.deepEqual(problems(`${head}actors:\n  a: { uid: 1, netns: b\nsteps:\n  - a: sleep 1\n  - zz: frob\n`), [
    "6: YAML: '{' is not closed on this line | add '}'",
    "9: unknown actor 'zz' | did you mean 'a'?",
  ]);
  // With the YAML error, a missing title is its doing; without, the loader's own problem.
  t.deepEqual(problems(`schemaVersion: 1\nrule: r\nsource: s\nx: [1\n${BODY}`), [
    "4: YAML: '[' is not closed on this line | add ']'",
  ]);
});
