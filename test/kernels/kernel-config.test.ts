// The config check before boot: a kernel that lacks what the guest needs is refused, naming every
// missing option and what fails without it, before any QEMU starts.
import test from "ava";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CONFIG_NEEDS, embeddedConfig, missingOptions } from "../../lab/backend/vm/kernel-config";
import { cacheDir } from "../../lab/backend/vm/kernel-images";
import { bzImageRelease, prepareKernel, type PreparedKernel } from "../../lab/backend/vm/kernel-source";
import { LabError } from "../../lab/errors";

// A cached Debian kernel (fetched once from the security archive when the cache has none).
let debian: PreparedKernel;
let config: string;
test.before(async () => {
  debian = await prepareKernel({
    spec: { kind: "debian", suite: "bookworm-security", package: "linux-image-cloud-amd64" },
    text: "debian:bookworm-security",
  });
  config = readFileSync(join(debian.dir, "config"), "utf8");
});

const without = (text: string, option: string) =>
  text.replace(new RegExp(`^${option}=.*$`, "m"), `# ${option} is not set`);

test("Debian's cloud kernel has everything the guest needs", (t) => {
  t.deepEqual(missingOptions(config, true), []);
  t.is(debian.source.kind, "debian");
  t.regex(debian.source.sha256, /^[0-9a-f]{64}$/);
});

test("each missing option is named with what fails without it; a module is no use without modules", (t) => {
  const lacking = without(without(config, "CONFIG_VETH"), "CONFIG_NET_NS");
  t.deepEqual(
    missingOptions(lacking, true).map((m) => `${m.option} ${m.has}`),
    ["CONFIG_VETH not set", "CONFIG_NET_NS not set"],
  );
  t.regex(missingOptions(lacking, true)[0]!.without, /veth/);
  // bookworm's cloud kernel builds veth and bridge as modules: without a modules folder they are missing.
  t.deepEqual(
    missingOptions(config, false)
      .map((m) => m.option)
      .filter((o) => o === "CONFIG_VETH" || o === "CONFIG_BRIDGE"),
    ["CONFIG_VETH", "CONFIG_BRIDGE"],
  );
  t.true(CONFIG_NEEDS.every((n) => n.without.length > 10));
});

test("the release of a bzImage comes from its setup header", (t) => {
  t.is(bzImageRelease(readFileSync(join(debian.dir, "vmlinuz")), "vmlinuz"), debian.release);
  t.throws(() => bzImageRelease(Buffer.alloc(4096), "zeros"), {
    instanceOf: LabError,
    message: /zeros is not an x86 bzImage/,
  });
});

test("an embedded config (IKCONFIG) is read between its markers", (t) => {
  const image = Buffer.concat([
    Buffer.alloc(100, 7),
    Buffer.from("IKCFG_ST"),
    gzipSync("CONFIG_VETH=y\n"),
    Buffer.from("IKCFG_ED"),
    Buffer.alloc(50),
  ]);
  t.is(embeddedConfig(image), "CONFIG_VETH=y\n");
  t.is(embeddedConfig(Buffer.alloc(100)), undefined);
});

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const imageKey = (image: string, modules: string) =>
  createHash("sha256")
    .update(`${sha256(image)}\n${modules}`)
    .digest("hex")
    .slice(0, 16);

/** A folder that looks like a kernel build tree: the cached kernel's bzImage and a .config. */
function fakeTree(configText: string): string {
  const tree = mkdtempSync(join(tmpdir(), "reuselab-tree-"));
  mkdirSync(join(tree, "arch/x86/boot"), { recursive: true });
  mkdirSync(join(tree, "include/config"), { recursive: true });
  copyFileSync(join(debian.dir, "vmlinuz"), join(tree, "arch/x86/boot/bzImage"));
  writeFileSync(join(tree, ".config"), configText);
  writeFileSync(join(tree, "include/config/kernel.release"), `${debian.release}\n`);
  writeFileSync(join(tree, "modules.order"), "drivers/net/veth.ko\n"); // it builds modules: =m counts
  return tree;
}

test("a build tree whose .config lacks CONFIG_VETH is refused before boot, naming CONFIG_VETH", async (t) => {
  const tree = fakeTree(without(config, "CONFIG_VETH"));
  t.teardown(() => rmSync(tree, { recursive: true, force: true }));
  const err = await t.throwsAsync(prepareKernel({ spec: { kind: "tree", path: tree }, text: tree }), {
    instanceOf: LabError,
  });
  t.regex(err!.message, /cannot run the guest; nothing was booted/);
  t.regex(err!.message, /CONFIG_VETH=y or m \(it has not set\): without it 'ip link add … type veth' fails/);
  t.notRegex(err!.message, /CONFIG_BRIDGE/, "only what is missing is named");
  t.false(
    existsSync(join(cacheDir(), "kernels", `tree-${sha256(join(tree, "arch/x86/boot/bzImage")).slice(0, 16)}`)),
    "nothing was laid out",
  );
});

test("a bare image with a config-<release> beside it that lacks CONFIG_VETH is refused, naming it", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-image-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(debian.dir, "vmlinuz"), join(dir, "vmlinuz"));
  writeFileSync(join(dir, `config-${debian.release}`), without(config, "CONFIG_VETH"));
  mkdirSync(join(dir, "modules"));
  const err = await t.throwsAsync(
    prepareKernel({
      spec: { kind: "image", path: join(dir, "vmlinuz"), modules: join(dir, "modules") },
      text: "vmlinuz",
    }),
    { instanceOf: LabError },
  );
  t.regex(err!.message, /CONFIG_VETH=y or m/);
  t.regex(err!.message, new RegExp(`config-${debian.release.replace(/[.+]/g, "\\$&")}`));
  t.deepEqual(
    readdirSync(join(cacheDir(), "kernels")).filter((f) =>
      f.startsWith(`image-${imageKey(join(dir, "vmlinuz"), join(dir, "modules"))}`),
    ),
    [],
    "the refused image left nothing in the cache",
  );
});

test("a bare image with no config anywhere is not refused: its config is unknown and said so", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-image-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(debian.dir, "vmlinuz"), join(dir, "vmlinuz"));
  const k = await prepareKernel({ spec: { kind: "image", path: join(dir, "vmlinuz") }, text: "vmlinuz" });
  t.is(k.release, debian.release);
  t.regex((k.config as { unknown: string }).unknown, /embeds no config \(CONFIG_IKCONFIG\)/);
  t.is(k.source.kind, "image");
});
