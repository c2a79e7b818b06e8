import test from "ava";
import { release } from "node:os";
import { hostKernel } from "../../lab/backend/host-kernel";
import { upstreamVersion } from "../../lab/findings/fix-prediction";

test("the host's kernel carries its /proc/version as its build, from which the upstream version is read", (t) => {
  const k = hostKernel(release());
  t.is(k.id, "host");
  t.true(k.build?.startsWith(`Linux version ${release()} `), k.build);
  t.deepEqual(upstreamVersion(k)?.version.slice(0, 2), release().split(/[.-]/).slice(0, 2).map(Number));
});
