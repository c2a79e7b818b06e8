// A case's `claims:` (lab/case/read-claim-refs.ts) of every wrong shape, each problem at its line with
// its fix, and `kernels:` inside it: what a case shows only on some kernels, with the selector kept.
import test from "ava";
import type { Node } from "yaml";
import { loadCase } from "../../lab/case/load-case";
import { readClaimRefs, RELATIONS } from "../../lab/case/read-claim-refs";
import { YamlFile } from "../../lab/case/yaml-file";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const load = (claims: string) => loadCase("x.yaml", "x", head + claims);
const problems = (claims: string) => load(claims).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const SELECTOR_FIX = "write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)";

test("claims: not a mapping; a relation not a list, an id not a word, a relation that is none", (t) => {
  t.deepEqual(problems("claims: [a]\n"), [
    "9: 'claims' maps confirms / refutes / partly to lists of claim ids | e.g. claims: { refutes: [udp-reuseaddr-random-delivery] }",
  ]);
  const word = "a claim id is a word | write the id of a claim in claims.yaml, e.g. udp-reuseaddr-random-delivery";
  t.deepEqual(
    problems("claims:\n  confirms: a\n  refutes:\n    - x\n    - [y]\n    - 3\n  confirm: [z]\n  ? [k]\n  : [w]\n"),
    [
      "10: 'confirms' takes a list of claim ids | write confirms: [a-claim-id]",
      `13: ${word}`,
      `14: ${word}`,
      "15: 'confirm' is not a relation to a claim | did you mean 'confirms'?",
      `16: '["k"]' is not a relation to a claim | known relations: confirms, refutes, partly`,
    ],
  );
});

test("claims: kernels: not a mapping, a selector that is none, relations not a mapping, no kernels in kernels", (t) => {
  t.deepEqual(problems("claims:\n  kernels: [a]\n"), [
    `10: 'claims: kernels' maps a kernel selector to relations | e.g. kernels: { "<5.14": { refutes: [a-claim] } }`,
  ]);
  t.deepEqual(
    problems(
      "claims:\n  kernels:\n    '~5': { refutes: [a] }\n    '<5.14': [b]\n    ? [1]\n    : { refutes: [c] }\n    '6.1': { kernels: { host: { refutes: [d] } } }\n",
    ),
    [
      `11: '~5' is not a kernel selector | ${SELECTOR_FIX}`,
      "12: 'claims' maps confirms / refutes / partly to lists of claim ids | e.g. claims: { refutes: [udp-reuseaddr-random-delivery] }",
      `13: '[1]' is not a kernel selector | ${SELECTOR_FIX}`,
      "15: 'kernels' is not a relation to a claim | known relations: confirms, refutes, partly",
    ],
  );
});

test("references with their relation, line and, under kernels:, their selector", (t) => {
  const { case: c, problems: p } = load(
    "claims:\n  confirms: [a]\n  kernels:\n    '<5.14':\n      refutes: [b]\n      partly: [c]\n",
  );
  t.deepEqual(p, []);
  const lt514 = { kind: "version", op: "<", version: [5, 14] };
  t.deepEqual(c!.variants[0]!.claims, [
    { id: "a", relation: "confirms", source: { file: "x.yaml", line: 10 } },
    { id: "b", relation: "refutes", kernel: lt514, source: { file: "x.yaml", line: 13 } },
    { id: "c", relation: "partly", kernel: lt514, source: { file: "x.yaml", line: 14 } },
  ]);
  t.false("kernel" in c!.variants[0]!.claims[0]!);
});

test("readClaimRefs: nothing given is no reference; the relations, in their order", (t) => {
  const y = new YamlFile("c.yaml", "claims: { partly: [p], refutes: [r], confirms: [c] }\n");
  t.deepEqual(readClaimRefs(y, undefined), []);
  t.deepEqual(
    readClaimRefs(y, y.root()!.get("claims", true) as Node).map((r) => [r.relation, r.id]),
    [
      ["partly", "p"],
      ["refutes", "r"],
      ["confirms", "c"],
    ],
  );
  t.deepEqual(y.problems, []);
  t.deepEqual(RELATIONS, ["confirms", "refutes", "partly"]);
});

test("readClaimRefs: what has a problem gives no reference", (t) => {
  const y = new YamlFile("c.yaml", 'a: [1]\nb: { kernels: [1] }\nc: { kernels: { "~5": { refutes: [x] } } }\n');
  const root = y.root()!;
  for (const key of ["a", "b", "c"]) t.deepEqual(readClaimRefs(y, root.get(key, true) as Node), [], key);
  t.deepEqual(
    y.problems.map((p) => `${p.line}: ${p.message}`),
    [
      "1: 'claims' maps confirms / refutes / partly to lists of claim ids",
      "2: 'claims: kernels' maps a kernel selector to relations",
      "3: '~5' is not a kernel selector",
    ],
  );
});
