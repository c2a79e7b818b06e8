import test from "ava";
import type { Case, ClaimRef } from "../../lab/case/case";
import type { Claim } from "../../lab/case/claims";
import type { PlannedRun } from "../../lab/plan/plan";
import { auditClaims } from "../../lab/findings/claims-audit";
import type { RunResult } from "../../lab/verdict/outcome";

const claim = (id: string): Claim => ({
  id,
  topic: "t",
  section: "s",
  line: 1,
  quote: "q",
  file: "claims.yaml",
  declaredAt: 1,
});
const ref = (id: string, relation: ClaimRef["relation"]): ClaimRef => ({
  id,
  relation,
  source: { file: "x", line: 1 },
});
const host = { id: "host", release: "6.18" };

function run(id: string, claims: ClaimRef[]): PlannedRun {
  return {
    id,
    case: {} as Case,
    variant: { name: "v", actors: [], namespaces: [], steps: [], claims, requires: [] },
    kernel: host,
  };
}
function result(id: string, outcome: "passed" | "failed"): RunResult {
  const base = { id, case: "c", variant: "v", kernel: "host", durationMs: 1, steps: [] };
  return outcome === "passed"
    ? { ...base, outcome }
    : { ...base, outcome, failures: [{ file: "x", line: 1, message: "m" }] };
}

test("verdicts come from passing runs only: confirmed, refuted, partly (mixed or partly), untested", (t) => {
  const runs = [
    run("a@host", [ref("c-confirm", "confirms"), ref("c-mixed", "confirms")]),
    run("b@host", [ref("c-refute", "refutes"), ref("c-mixed", "refutes"), ref("c-partly", "partly")]),
    run("c@host", [ref("c-failed-only", "refutes")]),
  ];
  const results = [result("a@host", "passed"), result("b@host", "passed"), result("c@host", "failed")];
  const audit = auditClaims(
    ["c-confirm", "c-refute", "c-mixed", "c-partly", "c-failed-only", "c-unnamed"].map(claim),
    runs,
    results,
    [host],
  );
  t.deepEqual(
    audit.map((a) => [a.id, a.verdicts.host, a.evidence]),
    [
      ["c-confirm", "confirmed", ["a@host"]],
      ["c-refute", "refuted", ["b@host"]],
      ["c-mixed", "partly", ["a@host", "b@host"]],
      ["c-partly", "partly", ["b@host"]],
      ["c-failed-only", "untested", []],
      ["c-unnamed", "untested", []],
    ],
  );
});

test("a claim reference for some kernels replaces the general one on them", (t) => {
  const v510 = { id: "5.10", release: "5.10.0-32-cloud-amd64" };
  const general = ref("c", "partly");
  const old: ClaimRef = { ...ref("c", "refutes"), kernel: { kind: "version", op: "<", version: [5, 14] } };
  const runs = [{ ...run("m@host", [general, old]) }, { ...run("m@5.10", [general, old]), kernel: v510 }];
  const audit = auditClaims([claim("c")], runs, [result("m@host", "passed"), result("m@5.10", "passed")], [host, v510]);
  t.deepEqual(audit[0]!.verdicts, { host: "partly", "5.10": "refuted" });
  t.deepEqual(audit[0]!.relations, { "m@host": "partly", "m@5.10": "refutes" });
});

test("a run naming a claim twice: the same relation stays, two different ones make it partly", (t) => {
  const runs = [
    run("same@host", [ref("c", "refutes"), ref("c", "refutes")]),
    run("both@host", [ref("d", "confirms"), ref("d", "refutes")]),
  ];
  const audit = auditClaims(
    [claim("c"), claim("d")],
    runs,
    [result("same@host", "passed"), result("both@host", "passed")],
    [host],
  );
  t.deepEqual(
    audit.map((a) => [a.id, a.verdicts.host, a.relations]),
    [
      ["c", "refuted", { "same@host": "refutes" }],
      ["d", "partly", { "both@host": "partly" }],
    ],
  );
});

test("a kernel-specific reference that does not match the run's kernel is ignored there: the general one alone counts", (t) => {
  const old: ClaimRef = { ...ref("c", "refutes"), kernel: { kind: "version", op: "<", version: [5, 14] } };
  const audit = auditClaims(
    [claim("c")],
    [run("m@host", [ref("c", "confirms"), old])],
    [result("m@host", "passed")],
    [host],
  );
  t.deepEqual(audit[0]!.verdicts, { host: "confirmed" });
});
