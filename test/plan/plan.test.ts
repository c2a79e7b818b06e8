import test from "ava";
import type { Case, CaseStep } from "../../lab/case/case";
import { expectationFor, plan } from "../../lab/plan/plan";

const c = (id: string, tags: string[]): Case => ({
  id,
  file: `${id}.yaml`,
  title: "",
  rule: "",
  source: "",
  tags,
  variants: ["v4", "v6"].map((name) => ({ name, actors: [], namespaces: [], steps: [], claims: [], requires: [] })),
});
const cases = [c("tcp/a", ["tcp"]), c("udp/b", ["udp"]), c("timewait/slow", ["tcp", "slow"])];
const kernels = [{ id: "host", release: "x" }];
const ids = (s: Parameters<typeof plan>[2]) => plan(cases, kernels, s).map((r) => r.id);

test("run ids are case.variant@kernel; slow cases are left out unless asked for", (t) => {
  t.deepEqual(ids({}), ["tcp/a.v4@host", "tcp/a.v6@host", "udp/b.v4@host", "udp/b.v6@host"]);
  t.is(ids({ slow: true }).length, 6);
  t.deepEqual(ids({ tags: ["slow"] }), ["timewait/slow.v4@host", "timewait/slow.v6@host"]);
});

test("--tag and --filter narrow the plan", (t) => {
  t.deepEqual(ids({ tags: ["udp"] }), ["udp/b.v4@host", "udp/b.v6@host"]);
  t.deepEqual(ids({ tags: ["tcp"] }), ["tcp/a.v4@host", "tcp/a.v6@host"]);
  t.deepEqual(ids({ filter: [".v6@"] }), ["tcp/a.v6@host", "udp/b.v6@host"]);
});

const v510 = { id: "5.10", release: "5.10.0-32-cloud-amd64" };
const v618 = { id: "host", release: "6.18.44" };

test("--tag keeps a case carrying any one of the tags; --filter keeps a run whose id has any one of the strings", (t) => {
  t.deepEqual(ids({ tags: ["udp", "nope"] }), ["udp/b.v4@host", "udp/b.v6@host"]);
  t.deepEqual(ids({ filter: ["nope", "tcp/a.v4"] }), ["tcp/a.v4@host"]);
  t.deepEqual(ids({ filter: ["nope"] }), []);
});

test("a variant whose requirement the kernel does not meet is planned as skipped, with the selector, the release and the reason", (t) => {
  const needs = (op: "<" | ">=", version: number[]) => ({
    kernel: { kind: "version" as const, op, version },
    because: "SO_REUSEPORT exists from 3.9 on",
  });
  const one: Case = {
    ...c("r/x", []),
    variants: [{ ...c("r/x", []).variants[0]!, requires: [needs(">=", [3, 9]), needs("<", [6])] }],
  };
  const [old, modern] = plan([one], [v510, v618]);
  t.is(old!.skip, undefined);
  t.false("skip" in old!, "a run that can run carries no skip key at all");
  t.is(modern!.skip, "needs a kernel <6 (this is 6.18.44): SO_REUSEPORT exists from 3.9 on");
});

test("an allowlist entry marks only the run of its case on its kernel", (t) => {
  const entry = { case: "tcp/a", kernel: "5.10", reason: "lacks it", source: { file: "allow.yaml", line: 2 } };
  const runs = plan(cases, [v510, v618], {}, [entry, { ...entry, case: "udp/b", kernel: "6.1" }]);
  t.deepEqual(
    runs.filter((r) => r.allowed).map((r) => [r.id, r.allowed]),
    [
      ["tcp/a.v4@5.10", entry],
      ["tcp/a.v6@5.10", entry],
    ],
  );
  t.true(runs.filter((r) => !r.allowed).every((r) => !("allowed" in r)));
});

test("a step expects its first matching per-kernel expectation, else its own", (t) => {
  const step = {
    actor: "a",
    text: "bind",
    step: { kind: "close", sock: "s" },
    expect: { kind: "ok" },
    byKernel: [
      { selector: { kind: "version", op: "<", version: [5, 14] }, expect: { kind: "errno", name: "EADDRINUSE" } },
      { selector: { kind: "id", id: "5.10" }, expect: { kind: "errno", name: "EACCES" } },
      { selector: { kind: "id", id: "host" }, expect: { kind: "killed" } },
    ],
    source: { file: "x.yaml", line: 3 },
  } as unknown as CaseStep;
  t.deepEqual(expectationFor(step, v510), { kind: "errno", name: "EADDRINUSE" });
  t.deepEqual(expectationFor(step, v618), { kind: "killed" });
  t.deepEqual(expectationFor(step, { id: "6.1", release: "6.1.0" }), { kind: "ok" });
  t.deepEqual(expectationFor({ ...step, byKernel: [] }, v510), { kind: "ok" });
});
