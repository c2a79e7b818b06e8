// demo hijack through the CLI: the demo itself is tested in test/demo/; here, that the command runs it,
// prints who answered and exits 0 when the attacker took every request.
import test from "ava";
import { labHere } from "./helpers";

test.serial("demo hijack: who answered, exit 0 when the attacker took every request", async (t) => {
  const r = await labHere(["demo", "hijack", "--requests", "3"]);
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /^reuselab demo hijack: compose project reuselab-hijack-\S+ \(docker-compose version/);
  t.regex(r.out, /^answered by the attacker 3 of 3, by the victim 0, unanswered 0$/m);
});
