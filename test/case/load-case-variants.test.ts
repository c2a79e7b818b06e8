// How the loader (lab/case/load-case.ts) reads `variants:` at its edges: none declared, a value that is no
// mapping (at the line of that value), a name with no value at all ({ v1 } or `? v1`), a parameter YAML
// reads as bytes or a date; and a problem with the variants leaves the steps' own problems reported.
import test from "ava";
import { loadCase } from "../../lab/case/load-case";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\n";
const BODY = "actors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const load = (yaml: string) => loadCase("x.yaml", "x", yaml);
const problems = (yaml: string) => load(yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const NOT_A_MAP =
  "'variants' maps each variant's name to its parameters | e.g. variants: { v4: { any: 0.0.0.0 }, v6: { any: '[::]' } }";

test("no variants declared: one variant, 'default', with neither claims nor requirements", (t) => {
  const { case: c, problems: p } = load(head + BODY);
  t.deepEqual(p, []);
  t.deepEqual(
    c!.variants.map((v) => [v.name, v.claims, v.requires, v.steps.map((s) => s.text)]),
    [["default", [], [], ["sleep 1"]]],
  );
});

test("variants that are a number or nothing: the problem is on the line of 'variants'", (t) => {
  t.deepEqual(problems(`${head}variants: 3\n${BODY}`), [`5: ${NOT_A_MAP}`]);
  t.deepEqual(problems(`${head}variants:\n${BODY}`), [`5: ${NOT_A_MAP}`]);
});

test("variants of the wrong shape still let the steps be read, and their problems said", (t) => {
  t.deepEqual(
    problems(`${head}variants: []\n${BODY.replace("sleep 1", "frob")}`).map((p) => p.split(" | ")[0]),
    ["5: 'variants' maps each variant's name to its parameters", "9: unknown call 'frob'"],
  );
});

test("a variant named with no value, in a flow mapping or as an explicit key, has no parameters", (t) => {
  for (const variants of ["variants: { v1, v2 }\n", "variants:\n  ? v1\n  v2:\n"]) {
    const { case: c, problems: p } = load(head + variants + BODY);
    t.deepEqual(p, [], variants);
    t.deepEqual(
      c!.variants.map((v) => [v.name, v.steps.map((s) => s.text)]),
      [
        ["v1", ["sleep 1"]],
        ["v2", ["sleep 1"]],
      ],
      variants,
    );
  }
});

test("a parameter YAML reads as bytes (!!binary) or a date (!!timestamp) is not a single value", (t) => {
  const fix = "write p: VALUE (quote it if it has spaces or starts with [ or {)";
  t.deepEqual(
    problems(`${head}variants:\n  v1: { p: !!binary aGVsbG8= }\n  v2: { p: !!timestamp 2001-12-14 }\n${BODY}`),
    [
      `6: variant parameter 'p' must be a single value | ${fix}`,
      `7: variant parameter 'p' must be a single value | ${fix}`,
    ],
  );
});
