/** --kernels with no kernel in it: said as such, with the kernels there are, before anything starts. */
import test from "ava";
import { kernelIds } from "../../lab/backend/vm/kernel-images";
import { labHere } from "./helpers";

const KNOWN = ["host", ...kernelIds()].join(", ");

for (const [command, value] of [
  ["run", ""],
  ["matrix", ""],
  ["run", " , "],
  ["doctor", ""],
] as const) {
  test.serial(
    `${command} --kernels '${value}': says --kernels is empty and lists the kernels, not --filter`,
    async (t) => {
      const r = await labHere([command, "--kernels", value]);
      t.is(r.code, 2);
      t.true(r.err.includes(`--kernels is empty; name one or more of the kernels, comma-separated: ${KNOWN}`), r.err);
      t.regex(r.err, /comma-separated: host, 5\.10, 6\.1, 6\.12, sid /);
      t.notRegex(r.err, /--filter|no run matches/);
      t.is(r.out, "");
    },
  );
}
