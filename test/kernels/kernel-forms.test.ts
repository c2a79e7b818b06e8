// The forms of --kernel booted for real, each with a kernel that is cached (or fetched once): a Debian
// suite from the security archive, a .deb file, and a bare bzImage with its modules folder. Each boots,
// says which build it is, runs a few cases, and carries its provenance into the results.
import test from "ava";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { prepareKernel, type PreparedKernel } from "../../lab/backend/vm/kernel-source";
import { parseKernelSpec, type GuestKernel } from "../../lab/backend/vm/kernel-spec";
import { loadCatalogue } from "../../lab/case/load-cases";
import { KernelBackends } from "../../lab/run/kernel-backends";
import type { VmBackend } from "../../lab/backend/vm/vm-backend";
import { ConsoleReporter } from "../../lab/report/console-reporter";
import { JsonReporter, type ResultsFile } from "../../lab/report/json-reporter";
import { runSession } from "../../lab/run/session";
import type { RunResult } from "../../lab/verdict/outcome";
import { systemTool } from "../../lab/system-tools";

const debian = (suite: string): GuestKernel => ({
  spec: { kind: "debian", suite, package: "linux-image-cloud-amd64" },
  text: `debian:${suite}`,
});
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
// The guest's modules (images/guest/modules.list and what they depend on): all a small .deb needs.
const GUEST_MODULES = [
  "virtio_ring",
  "virtio_pci_modern_dev",
  "virtio_pci_legacy_dev",
  "virtio",
  "virtio_pci",
  "virtio_console",
  "veth",
  "llc",
  "stp",
  "bridge",
];

const work = mkdtempSync(join(tmpdir(), "reuselab-forms-"));
let deb: string;
let image: string;
let modules: string;
let from: Record<"deb" | "image", PreparedKernel>;
let kernels: KernelInfo[] = [];
let results: RunResult[] = [];
let json: ResultsFile;
let consoleText = "";
let guestDirs: string[] = [];

/** A kernel package with just the guest's modules, made with dpkg-deb from a cached kernel. */
function smallDeb(k: PreparedKernel): string {
  const root = join(work, "deb-root");
  const rel = k.release;
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  mkdirSync(join(root, "boot"));
  copyFileSync(join(k.dir, "vmlinuz"), join(root, "boot", `vmlinuz-${rel}`));
  copyFileSync(join(k.dir, "config"), join(root, "boot", `config-${rel}`));
  const mods = join(root, "lib/modules", rel);
  for (const f of readdirSync(join(k.dir, "modules"), { recursive: true, encoding: "utf8" })) {
    const name = f
      .split("/")
      .pop()!
      .replace(/\.ko(\.\w+)?$/, "");
    if (f.endsWith(".ko") || /\.ko\.\w+$/.test(f) ? GUEST_MODULES.includes(name) : /^modules\.builtin/.test(f))
      cpSync(join(k.dir, "modules", f), join(mods, f));
  }
  writeFileSync(
    join(root, "DEBIAN/control"),
    `Package: linux-image-${rel}-small\nVersion: 1.0-test1\nArchitecture: amd64\nMaintainer: reuselab tests <nobody@localhost>\nDescription: the guest's modules only\n`,
  );
  const out = join(work, `linux-image-${rel}-small_1.0-test1_amd64.deb`);
  // SOURCE_DATE_EPOCH makes the package the same bytes every time: one cache folder, not one per run.
  const r = spawnSync(systemTool("dpkg-deb", "dpkg"), ["-Zgzip", "-z1", "--root-owner-group", "-b", root, out], {
    encoding: "utf8",
    env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" },
  });
  if (r.status !== 0) throw new Error(`dpkg-deb -b failed: ${r.stderr}`);
  return out;
}

test.before(async () => {
  const [bookworm, trixie] = [await prepareKernel(debian("bookworm-security")), await prepareKernel(debian("trixie"))];
  from = { deb: bookworm, image: trixie };
  deb = smallDeb(bookworm);
  image = join(work, "bzImage");
  copyFileSync(join(trixie.dir, "vmlinuz"), image);
  modules = realpathSync(join(trixie.dir, "modules"));
  const specs = [`debian:bullseye-security`, deb, `${image}:${modules}`].map((s) => parseKernelSpec(s) as GuestKernel);
  await using backends = new KernelBackends([], "netns", specs);
  const reporters = [
    new JsonReporter(join(work, "results.json")),
    new ConsoleReporter({ write: (text) => void (consoleText += text), color: false }),
  ];
  const selection = { filter: ["tcp-bind/reuseaddr-beside-listener", "udp/reuseaddr-last-bound"] };
  const end = await runSession(backends, { catalogue: loadCatalogue(["cases"]), selection, reporters });
  kernels = end.kernels;
  guestDirs = kernels.map((k) => (backends.backend(k.id) as VmBackend).guestDir ?? `(no directory for ${k.id})`);
  results = end.repetitions[0]!;
  json = JSON.parse(readFileSync(join(work, "results.json"), "utf8")) as ResultsFile;
});

test("each guest's directory is gone once the backends are disposed", (t) => {
  t.is(guestDirs.length, 3);
  for (const dir of guestDirs) t.true(dir.startsWith(join(tmpdir(), "reuselab-vm-")), dir);
  t.deepEqual(
    guestDirs.filter((d) => existsSync(d)),
    [],
  );
});
test.after.always(() => rmSync(work, { recursive: true, force: true }));

const byKind = (kind: string) => kernels.find((k) => k.source?.kind === kind)!;

test("debian:bullseye-security: the security archive's 5.10, its package, version and sha256", (t) => {
  const k = byKind("debian");
  t.regex(k.release, /^5\.10\.0-\d+-cloud-amd64$/);
  t.is(k.id, k.release, "no id given: the release is the id");
  t.like(k.source, { suite: "bullseye-security", package: `linux-image-${k.release}` });
  t.regex(k.source!.version!, /^5\.10\.\d+-\d+$/);
  t.regex(k.source!.sha256, /^[0-9a-f]{64}$/);
  t.true(k.build!.startsWith(`Linux version ${k.release} `), k.build);
  t.true(k.build!.includes(k.source!.version!), "the build string names the package version");
});

test(".deb: the package file's name, version, path and sha256, and its modules", (t) => {
  const k = byKind("deb");
  t.is(k.release, from.deb.release);
  t.deepEqual(k.source, {
    kind: "deb",
    path: deb,
    package: `linux-image-${from.deb.release}-small`,
    version: "1.0-test1",
    sha256: sha256(deb),
  });
  t.true(k.build!.startsWith(`Linux version ${k.release} `), k.build);
});

test("IMAGE:MODULES: the image's path and sha256 and the modules folder", (t) => {
  const k = byKind("image");
  t.is(k.release, from.image.release);
  t.deepEqual(k.source, { kind: "image", path: image, sha256: sha256(image), modules });
  t.true(k.build!.startsWith(`Linux version ${k.release} `), k.build);
});

test("each kernel ran the cases and they passed", (t) => {
  t.is(kernels.length, 3);
  for (const k of kernels) {
    const mine = results.filter((r) => r.id.endsWith(`@${k.id}`));
    t.true(mine.length >= 4, `${k.id}: ${mine.length} runs`);
    t.deepEqual(
      mine.filter((r) => r.outcome !== "passed").map((r) => r.id),
      [],
      k.id,
    );
  }
});

test("the JSON results' kernels[] and the console carry each kernel's provenance", (t) => {
  t.deepEqual(json.kernels, kernels);
  for (const k of kernels) {
    t.truthy(json.kernels.find((j) => j.id === k.id)?.source?.sha256, k.id);
    t.true(consoleText.includes(`  ${k.id}: ${k.release}, `), k.id);
    t.true(consoleText.includes(k.source!.sha256.slice(0, 16)), `${k.id}: its sha256 on the console`);
  }
  t.true(consoleText.includes(`from Debian bullseye-security`), consoleText.slice(0, 2000));
});
