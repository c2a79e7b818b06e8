// The claims file and the catalogue's coverage of it.
import test from "ava";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "../scratch";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError } from "../../lab/problems";
import { SLOW_TAG } from "../../lab/plan/plan";

test("every claim of cases/claims.yaml is named by at least one case of the default (non-slow) run", (t) => {
  const { cases, claims } = loadCatalogue(["cases"]);
  t.true(claims.length >= 25, `${claims.length} claims`);
  const named = new Set(
    cases
      .filter((c) => !c.tags.includes(SLOW_TAG))
      .flatMap((c) => c.variants.flatMap((v) => v.claims.map((r) => r.id))),
  );
  const uncovered = claims.filter((c) => !named.has(c.id)).map((c) => c.id);
  t.deepEqual(uncovered, [], `claims no case names: ${uncovered.join(", ")}`);
});

test("the catalogue has at least 30 cases outside the slow set, each stating its rule and source", (t) => {
  const { cases } = loadCatalogue(["cases"]);
  const fast = cases.filter((c) => !c.tags.includes(SLOW_TAG));
  t.true(fast.length >= 30, `${fast.length} cases`);
  for (const c of cases)
    t.true(c.rule.length > 40 && c.source.length > 10, `${c.id} states its rule and where it lives`);
});

test("a case that names a claim no claims.yaml declares is a problem with its line", (t) => {
  const dir = join(scratch("claims"), "cases");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "claims.yaml"),
    "schemaVersion: 1\nclaims:\n  - { id: known-claim, topic: t, section: s, line: 1, quote: q }\n",
  );
  writeFileSync(
    join(dir, "x.yaml"),
    "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nclaims: { refutes: [known-claim, knwn-claim] }\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n",
  );
  const e = t.throws(() => loadCatalogue([dir]), { instanceOf: CaseProblemsError });
  t.regex(e!.message, /x\.yaml:5: unknown claim 'knwn-claim'; did you mean 'known-claim'\?/);
});
