// `requires:` (lab/case/read-requires.ts): a kernel selector and the reason, nothing more, nothing less;
// the problem is put on the selector when only the selector is wrong. A variant's adds to the case's.
import test from "ava";
import type { Node } from "yaml";
import { loadCase } from "../../lab/case/load-case";
import { readRequires } from "../../lab/case/read-requires";
import { YamlFile } from "../../lab/case/yaml-file";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const load = (yaml: string) => loadCase("x.yaml", "x", head + yaml);
const problems = (yaml: string) => load(yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const SHAPE =
  '\'requires\' names a kernel selector and the reason | write requires: { kernel: ">=5.14", because: "tcp_migrate_req came in 5.14" }';

test("anything but a selector and a reason in text is the one shape problem", (t) => {
  for (const r of [
    "[a]",
    "{ because: x }",
    "{ kernel: '>=5.14' }",
    "{ kernel: '>=5.14', because: 3 }",
    "{ kernel: '>=5.14', because: x, why: y }",
    "{ kernel: '>=5.14', why: x }",
    "{ kernel: [5], because: x }",
  ])
    t.deepEqual(problems(`requires: ${r}\n`), [`9: ${SHAPE}`], r);
});

test("a selector that is none is put on its own line", (t) => {
  t.deepEqual(problems("requires:\n  because: x\n  kernel: '>5'\n"), [
    "11: '>5' is not a kernel selector | write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)",
  ]);
});

test("a requirement of the case, then the variant's, in every variant", (t) => {
  const { case: c, problems: p } = load(
    "requires:\n  because: b\n  kernel: 6.1\nvariants:\n  v1:\n  v2: { requires: { kernel: '>=5.14', because: 'x y' } }\n",
  );
  t.deepEqual(p, []);
  t.deepEqual(
    c!.variants.map((v) => [v.name, v.requires]),
    [
      ["v1", [{ kernel: { kind: "id", id: "6.1" }, because: "b" }]],
      [
        "v2",
        [
          { kernel: { kind: "id", id: "6.1" }, because: "b" },
          { kernel: { kind: "version", op: ">=", version: [5, 14] }, because: "x y" },
        ],
      ],
    ],
  );
});

test("readRequires: nothing given is no requirement; a node read on its own", (t) => {
  const y = new YamlFile("r.yaml", "requires: { kernel: '<6.1', because: old }\n");
  t.deepEqual(readRequires(y, undefined), []);
  t.deepEqual(readRequires(y, y.root()!.get("requires", true) as Node), [
    { kernel: { kind: "version", op: "<", version: [6, 1] }, because: "old" },
  ]);
  t.deepEqual(y.problems, []);
});

test("readRequires: a requirement with a problem gives none", (t) => {
  const y = new YamlFile("r.yaml", "a: { kernel: '~5', because: old }\nb: { kernel: '<6.1' }\n");
  t.deepEqual(readRequires(y, y.root()!.get("a", true) as Node), []);
  t.deepEqual(readRequires(y, y.root()!.get("b", true) as Node), []);
  t.deepEqual(
    y.problems.map((p) => `${p.line}: ${p.message}`),
    ["1: '~5' is not a kernel selector", "2: 'requires' names a kernel selector and the reason"],
  );
});
