// claims.yaml beside the cases (lab/case/claims.ts), loaded as the CLI loads a case folder: the claims
// it declares, field by field, and each mistake as file:line: message.
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError, formatProblem } from "../../lab/problems";

const CASE = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n";
const GOOD =
  "  - id: good-claim\n    topic: ' tcp '\n    section: Bind rules\n    line: 10\n    quote: Two TCP listeners cannot share a port.\n";

/** A case folder with this claims.yaml (none when undefined) and one valid case; what loading it gives. */
function load(
  t: { teardown(fn: () => void): void },
  claims: string | undefined,
): { file: string; result: ReturnType<typeof loadCatalogue> | string[] } {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-claims-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cases = join(dir, "cases");
  mkdirSync(cases);
  if (claims !== undefined) writeFileSync(join(cases, "claims.yaml"), claims);
  writeFileSync(join(cases, "x.yaml"), CASE);
  const file = relative(process.cwd(), join(cases, "claims.yaml"));
  try {
    return { file, result: loadCatalogue([cases]) };
  } catch (e) {
    if (!(e instanceof CaseProblemsError)) throw e;
    return {
      file,
      result: e.problems.map((p) => formatProblem({ ...p, file: p.file === file ? "claims.yaml" : p.file })),
    };
  }
}

test("a claim as declared: its fields trimmed, its quote's line in the seed guide, where it is declared", (t) => {
  const { file, result } = load(
    t,
    `schemaVersion: 1\nclaims:\n${GOOD}  - { id: second-1, topic: udp, section: S, line: 1, quote: q }\n`,
  );
  if (Array.isArray(result)) return t.fail(result.join("\n"));
  t.deepEqual(result.claims, [
    {
      id: "good-claim",
      topic: "tcp",
      section: "Bind rules",
      line: 10,
      quote: "Two TCP listeners cannot share a port.",
      file,
      declaredAt: 3,
    },
    { id: "second-1", topic: "udp", section: "S", line: 1, quote: "q", file, declaredAt: 8 },
  ]);
});

test("no claims.yaml: no claims and no problem", (t) => {
  const { result } = load(t, undefined);
  t.deepEqual(Array.isArray(result) ? result : result.claims, []);
});

test("the file's own shape: schemaVersion 1, and claims as a list", (t) => {
  t.deepEqual(load(t, `claims:\n${GOOD}`).result, ["claims.yaml:1: claims.yaml needs 'schemaVersion: 1'"]);
  t.deepEqual(load(t, `schemaVersion: 2\nclaims:\n${GOOD}`).result, [
    "claims.yaml:1: claims.yaml needs 'schemaVersion: 1'",
  ]);
  t.deepEqual(load(t, "schemaVersion: 1\n").result, [
    "claims.yaml:1: claims.yaml needs 'claims:', a list of { id, topic, section, line, quote }",
  ]);
  t.deepEqual(load(t, "schemaVersion: 1\nclaims:\n  id: x\n").result, [
    "claims.yaml:3: claims.yaml needs 'claims:', a list of { id, topic, section, line, quote }",
  ]);
});

test("each claim: a mapping of known keys, an id of lower-case words declared once, a topic, section, quote and line", (t) => {
  const { result } = load(
    t,
    [
      "schemaVersion: 1",
      "claims:",
      "  - just a string", // 3
      "  - { id: a-1, topic: t, section: s, line: 2, quote: q, page: 4 }", // 4
      "  - { id: Bad_Id, topic: t, section: s, line: 2, quote: q }", // 5
      "  - { id: a-1, topic: t, section: s, line: 2, quote: q }", // 6
      "  - { id: -dash, topic: t, section: s, line: 2, quote: q }", // 7
      "  - { id: no-topic, section: s, line: 2, quote: q }", // 8
      "  - { id: no-section, topic: t, section: '  ', line: 2, quote: q }", // 9
      "  - { id: no-quote, topic: t, section: s, line: 2, quote: }", // 10
      "  - { id: line-0, topic: t, section: s, line: 0, quote: q }", // 11
      "  - { id: line-half, topic: t, section: s, line: 1.5, quote: q }", // 12
      "  - { id: line-word, topic: t, section: s, line: ten, quote: q }", // 13
      "  - { topic: t, section: s, line: 1, quote: q }", // 14
      "",
    ].join("\n"),
  );
  t.deepEqual(result, [
    "claims.yaml:3: a claim is a mapping { id, topic, section, line, quote }",
    "claims.yaml:4: unknown claim key 'page'",
    "claims.yaml:5: claim id 'Bad_Id' is not lower-case words joined by -",
    "claims.yaml:6: claim id 'a-1' is declared twice",
    "claims.yaml:7: claim id '-dash' is not lower-case words joined by -",
    "claims.yaml:8: claim 'no-topic' has no topic",
    "claims.yaml:9: claim 'no-section' has no section",
    "claims.yaml:10: claim 'no-quote' has no quote",
    "claims.yaml:11: claim 'line-0' has no line (where its quote starts in the seed guide)",
    "claims.yaml:12: claim 'line-half' has no line (where its quote starts in the seed guide)",
    "claims.yaml:13: claim 'line-word' has no line (where its quote starts in the seed guide)",
    "claims.yaml:14: claim id '' is not lower-case words joined by -",
  ]);
});

test("a claim id must be lower-case words joined by - from its first character to its last", (t) => {
  t.deepEqual(
    load(t, "schemaVersion: 1\nclaims:\n  - { id: good_id, topic: t, section: s, line: 2, quote: q }\n").result,
    ["claims.yaml:3: claim id 'good_id' is not lower-case words joined by -"],
  );
});
