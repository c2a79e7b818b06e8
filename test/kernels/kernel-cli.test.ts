// --kernel SPEC on the command line: a spec that is none, and a kernel that cannot run the guest, are
// refused with exit 2 before anything boots.
import test from "ava";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareKernel } from "../../lab/backend/vm/kernel-source";
import { labHere } from "../cli/helpers";

test.serial("run --kernel with something that is no kernel: exit 2, the spec's forms named", async (t) => {
  const r = await labHere(["run", "--kernel", "./no-such-kernel", "--filter", "x"]);
  t.is(r.code, 2);
  t.regex(
    r.err,
    /--kernel \.\/no-such-kernel: '\.\/no-such-kernel' is neither a file nor a folder; give debian:SUITE\[\/PACKAGE\], a \.deb file, a bzImage/,
  );
  const bad = await labHere(["matrix", "--kernel", "debian:Bookworm"]);
  t.is(bad.code, 2);
  t.regex(bad.err, /'debian:Bookworm' is not debian:SUITE\[\/PACKAGE\]/);
});

test.serial(
  "run --kernel IMAGE:MODULES whose config lacks CONFIG_VETH: exit 2 naming it, nothing booted",
  async (t) => {
    const k = await prepareKernel({
      spec: { kind: "debian", suite: "bookworm-security", package: "linux-image-cloud-amd64" },
      text: "debian:bookworm-security",
    });
    const dir = mkdtempSync(join(tmpdir(), "reuselab-cli-kernel-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(k.dir, "vmlinuz"), join(dir, "vmlinuz"));
    writeFileSync(
      join(dir, `config-${k.release}`),
      readFileSync(join(k.dir, "config"), "utf8").replace(/^CONFIG_VETH=.*$/m, "# CONFIG_VETH is not set"),
    );
    mkdirSync(join(dir, "modules"));
    const r = await labHere([
      "run",
      "--kernel",
      `${join(dir, "vmlinuz")}:${join(dir, "modules")}`,
      "--filter",
      "tcp-bind",
    ]);
    t.is(r.code, 2);
    t.regex(r.err, /cannot run the guest; nothing was booted/);
    t.regex(r.err, /CONFIG_VETH=y or m \(it has not set\)/);
    t.notRegex(r.out, /runs? on the vm backend/, "no session started");
  },
);
