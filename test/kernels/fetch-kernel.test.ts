// images/kernels/fetch-kernel.sh with .deb files that are not (whole) kernels: a clear refusal, and
// nothing left behind but the lock.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemEnv, systemTool } from "../../lab/system-tools";

const FETCH = join(__dirname, "../../images/kernels/fetch-kernel.sh");

function deb(dir: string, name: string, depends?: string): string {
  const root = join(dir, `${name}-root`);
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  mkdirSync(join(root, "usr/share/doc", name), { recursive: true });
  writeFileSync(
    join(root, "DEBIAN/control"),
    `Package: ${name}\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@localhost>\n${depends ? `Depends: ${depends}\n` : ""}Description: test\n`,
  );
  const out = join(dir, `${name}.deb`);
  const r = spawnSync(systemTool("dpkg-deb", "dpkg"), ["--root-owner-group", "-b", root, out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

const fetch = (file: string, out: string) =>
  spawnSync(systemTool("bash", "bash"), [FETCH, "deb", file, out], { encoding: "utf8", env: systemEnv() });

test("a package without a kernel is refused by name; a split one says where its kernel is", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-fetch-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "cache", "k");
  const none = fetch(deb(dir, "hello"), out);
  t.is(none.status, 1);
  t.regex(none.stderr, /hello \(.*hello\.deb\) has no \/lib\/modules\/<release> folder; is it a kernel image package/);
  const split = fetch(
    deb(dir, "linux-image-7.2-cloud-amd64", "linux-binary-7.2-cloud-amd64 (= 1), linux-modules-7.2-cloud-amd64 (= 1)"),
    out,
  );
  t.is(split.status, 1);
  t.regex(split.stderr, /is split: its kernel and modules are in the linux-binary-… and linux-modules-… packages/);
  t.deepEqual(readdirSync(join(dir, "cache")), ["k.lock"], "no scratch folder, no half-made kernel folder");
  const garbage = join(dir, "garbage.deb");
  writeFileSync(garbage, "not a package");
  t.regex(fetch(garbage, out).stderr, /is not a Debian package/);
});
