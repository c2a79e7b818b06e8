import test from "ava";
import type { Case } from "../../lab/case/case";
import { plan } from "../../lab/plan/plan";

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
