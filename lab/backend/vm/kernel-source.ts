/**
 * Turns a kernel spec into a kernel folder under the cache (vmlinuz, release, manifest, config when
 * known, modules/ when any), the folder images/guest/boot.sh boots, and checks its config before any
 * boot. Debian packages and .deb files are unpacked by images/kernels/fetch-kernel.sh; bare images and
 * build trees are laid out here.
 */
import { ignored } from "../../debug-log";
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { LabError } from "../../errors";
import { systemEnv, systemTool } from "../../system-tools";
import type { KernelProvenance } from "../../kernel-info";
import { PACKAGE_ROOT as REPO_ROOT } from "../../package-root";
import { describeMissing, embeddedConfig, missingOptions } from "./kernel-config";
import { cacheDir } from "./kernel-images";
import { debianMirror, describeSpec, type GuestKernel, type KernelSpec } from "./kernel-spec";

const run = promisify(execFile);
const FETCH = join(REPO_ROOT, "images/kernels/fetch-kernel.sh");
const EXTRACT_VMLINUX = join(REPO_ROOT, "images/guest/extract-vmlinux.py");

export interface PreparedKernel {
  dir: string;
  release: string;
  source: KernelProvenance;
  /** Where its config came from, or why it is unknown (then it boots unchecked). */
  config: { from: string; text: string } | { unknown: string };
}

/** The kernel folder of `kernel`, its config checked; throws naming every missing option. */
export async function prepareKernel(kernel: GuestKernel): Promise<PreparedKernel> {
  const what = kernel.id ?? describeSpec(kernel.spec);
  const prepared = await layOut(kernel.spec, what);
  if ("text" in prepared.config) {
    const missing = missingOptions(prepared.config.text, existsSync(join(prepared.dir, "modules")));
    if (missing.length) {
      // A folder laid out for a user's image is dropped: a refused kernel leaves nothing in the cache.
      if (kernel.spec.kind === "image") rmSync(prepared.dir, { recursive: true, force: true });
      throw new LabError(
        "REUSELAB_BAD_ARGS",
        `kernel ${what} (${prepared.release}) cannot run the guest; nothing was booted. Its config (${prepared.config.from}) lacks:\n${describeMissing(missing)}\n` +
          `Build it with these options, or pick another kernel (for Debian, the generic linux-image-amd64 has them all).`,
      );
    }
  }
  return prepared;
}

/** The cache folder of a Debian package or a .deb file: by suite and package, or by the file's sha256. */
export function packageFolder(spec: KernelSpec & { kind: "debian" | "deb" }): string {
  const name =
    spec.kind === "debian"
      ? `debian-${spec.suite}-${spec.package}`
      : `deb-${sha256(readFileSync(spec.path)).slice(0, 16)}`;
  return join(cacheDir(), "kernels", name);
}

async function layOut(spec: KernelSpec, what: string): Promise<PreparedKernel> {
  const kernels = join(cacheDir(), "kernels");
  switch (spec.kind) {
    case "debian":
      return await fromManifest(
        await fetch(what, ["debian", spec.suite, spec.package, debianMirror(spec.suite), packageFolder(spec)]),
        what,
      );
    case "deb":
      return withPath(await fromManifest(await fetch(what, ["deb", spec.path, packageFolder(spec)]), what), spec.path);
    case "image":
      return await fromImage(spec.path, spec.modules, kernels, what);
    case "tree":
      return await fromTree(spec.path, kernels, what);
  }
}

async function fetch(what: string, args: string[]): Promise<string> {
  try {
    const child = run(systemTool("bash", "bash"), [FETCH, ...args], { env: systemEnv(), maxBuffer: 1 << 20 });
    // What it is fetching shows as it happens (a download takes seconds); the error repeats it below.
    child.child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
    const { stdout } = await child;
    return stdout.trim().split("\n").pop()!;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new LabError(
      "REUSELAB_KERNEL_FETCH",
      `kernel ${what}: images/kernels/fetch-kernel.sh failed:\n${(err.stderr ?? err.message).trim()}`,
    );
  }
}

/** The folder of a .deb is the file's by its sha256: the path is the one given now, not the first one it had. */
function withPath(k: PreparedKernel, path: string): PreparedKernel {
  return { ...k, source: { ...k.source, path } };
}

/** A folder fetch-kernel.sh made: its manifest says where the kernel came from. */
async function fromManifest(dir: string, what: string): Promise<PreparedKernel> {
  const m = readManifest(dir);
  const source: KernelProvenance =
    m.source === "debian"
      ? {
          kind: "debian",
          suite: m.suite!,
          package: m.package!,
          version: m.version!,
          sha256: m.sha256!,
          ...(m.parts
            ? { parts: m.parts.split(" ").map((p) => ({ package: p.split(":")[0]!, sha256: p.split(":")[1]! })) }
            : {}),
        }
      : { kind: "deb", path: m.path!, package: m.package!, version: m.version!, sha256: m.sha256! };
  const release = m.release!;
  const config = join(dir, "config");
  if (existsSync(config))
    return {
      dir,
      release,
      source,
      config: { from: `/boot/config-${release} of ${m.package}`, text: readFileSync(config, "utf8") },
    };
  return {
    dir,
    release,
    source,
    config: (await ikconfig(dir, what)) ?? {
      unknown: `${m.package} has no /boot/config-${release} and its image embeds none`,
    },
  };
}

function readManifest(dir: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of readFileSync(join(dir, "manifest"), "utf8").split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) m[line.slice(0, i)] = line.slice(i + 1);
  }
  return m;
}

/** A bare bzImage, with the user's modules folder (linked, not copied) or none. */
async function fromImage(
  image: string,
  modules: string | undefined,
  kernels: string,
  what: string,
): Promise<PreparedKernel> {
  const bytes = readFileSync(image);
  const release = bzImageRelease(bytes, image);
  const sum = sha256(bytes);
  const dir = join(kernels, `image-${sha256(Buffer.from(`${sum}\n${modules ?? ""}`)).slice(0, 16)}`);
  const source: KernelProvenance = { kind: "image", path: image, sha256: sum, ...(modules ? { modules } : {}) };
  const beside = join(dirname(image), `config-${release}`);
  makeFolder(dir, () => ({
    vmlinuz: bytes,
    release,
    manifest: { source: "image", path: image, sha256: sum, release, ...(modules ? { modules } : {}) },
    modules,
  }));
  const config = await ikconfig(dir, what);
  if (config) return { dir, release, source, config };
  if (existsSync(beside)) return { dir, release, source, config: { from: beside, text: readFileSync(beside, "utf8") } };
  return {
    dir,
    release,
    source,
    config: {
      unknown: `${basename(image)} embeds no config (CONFIG_IKCONFIG) and there is no config-${release} beside it`,
    },
  };
}

/** A kernel build tree: its bzImage and .config; its modules installed into the cache on demand. */
async function fromTree(tree: string, kernels: string, what: string): Promise<PreparedKernel> {
  const image = join(tree, "arch/x86/boot/bzImage");
  if (!existsSync(image))
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `kernel ${what}: ${tree} has no arch/x86/boot/bzImage; build it first ('make -C ${tree} bzImage modules')`,
    );
  const bytes = readFileSync(image);
  const releaseFile = join(tree, "include/config/kernel.release");
  const release = existsSync(releaseFile) ? readFileSync(releaseFile, "utf8").trim() : bzImageRelease(bytes, image);
  const sum = sha256(bytes);
  const source: KernelProvenance = { kind: "tree", path: tree, sha256: sum };
  const configFile = join(tree, ".config");
  const config = existsSync(configFile) ? readFileSync(configFile, "utf8") : undefined;
  const dir = join(kernels, `tree-${sum.slice(0, 16)}`);
  const wantsModules =
    config !== undefined &&
    /^CONFIG_MODULES=y$/m.test(config) &&
    existsSync(join(tree, "modules.order")) &&
    readFileSync(join(tree, "modules.order"), "utf8").trim() !== "";
  // The config is checked before modules are installed: a tree that cannot run the guest costs nothing.
  if (config !== undefined) {
    const missing = missingOptions(config, wantsModules);
    if (missing.length)
      throw new LabError(
        "REUSELAB_BAD_ARGS",
        `kernel ${what} (${release}) cannot run the guest; nothing was booted. Its config (${configFile}) lacks:\n${describeMissing(missing)}\nSet them (make menuconfig) and build again.`,
      );
  }
  makeFolder(dir, (tmp) => {
    if (wantsModules) installModules(tree, tmp, release);
    return { vmlinuz: bytes, release, manifest: { source: "tree", path: tree, sha256: sum, release }, config };
  });
  return {
    dir,
    release,
    source,
    config:
      config !== undefined
        ? { from: configFile, text: config }
        : ((await ikconfig(dir, what)) ?? { unknown: `${tree} has no .config and its bzImage embeds none` }),
  };
}

function installModules(tree: string, into: string, release: string): void {
  const make = systemTool("make", "make");
  const staged = join(into, ".install");
  // Its output goes to our stderr: a failed install explains itself there.
  const r = spawnSync(make, ["-C", tree, `INSTALL_MOD_PATH=${staged}`, "modules_install"], {
    stdio: ["ignore", 2, "inherit"],
    env: systemEnv(),
  });
  if (r.status !== 0)
    throw new LabError(
      "REUSELAB_KERNEL_MODULES",
      `'make -C ${tree} modules_install' failed (status ${r.status}); its output is above`,
    );
  const lib = [join(staged, "lib/modules", release), join(staged, "usr/lib/modules", release)].find((p) =>
    existsSync(p),
  );
  if (!lib)
    throw new LabError("REUSELAB_KERNEL_MODULES", `'make modules_install' of ${tree} left no lib/modules/${release}`);
  // modules_install links build and source back to the tree: the guest needs neither, and the
  // initramfs builder, which follows links to find modules, would walk the whole tree through them.
  for (const link of ["build", "source"]) rmSync(join(lib, link), { force: true });
  renameSync(lib, join(into, "modules"));
  rmSync(staged, { recursive: true, force: true });
}

interface Layout {
  vmlinuz: Buffer;
  release: string;
  manifest: Record<string, string>;
  config?: string | undefined;
  /** A modules folder to link to; one that the builder made in its scratch folder stays there. */
  modules?: string | undefined;
}

/** Writes the folder once, through a scratch folder renamed into place (a half-made one is never used). */
function makeFolder(dir: string, build: (scratch: string) => Layout): void {
  if (existsSync(join(dir, "manifest"))) return;
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const l = build(tmp);
    writeFileSync(join(tmp, "vmlinuz"), l.vmlinuz);
    writeFileSync(join(tmp, "release"), `${l.release}\n`);
    if (l.config !== undefined) writeFileSync(join(tmp, "config"), l.config);
    if (l.modules) symlinkSync(l.modules, join(tmp, "modules"));
    writeFileSync(
      join(tmp, "manifest"),
      Object.entries(l.manifest)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another run made it first: theirs is as good as ours.
      if (!existsSync(join(dir, "manifest"))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The config the image carries (CONFIG_IKCONFIG), found in its uncompressed vmlinux. */
async function ikconfig(dir: string, what: string): Promise<{ from: string; text: string } | undefined> {
  const vmlinux = join(dir, "vmlinux");
  if (!existsSync(vmlinux)) {
    try {
      await run(systemTool("python3", "python3"), [EXTRACT_VMLINUX, join(dir, "vmlinuz"), vmlinux], {
        env: systemEnv(),
      });
    } catch (e) {
      return ignored("vm/extract-vmlinux")(e); // boot.sh boots the bzImage then, and says so
    }
  }
  const text = embeddedConfig(readFileSync(vmlinux));
  return text === undefined ? undefined : { from: `the config embedded in ${what}'s image (IKCONFIG)`, text };
}

/**
 * The release of a bzImage: its setup header (at 0x202 "HdrS") points at a version string, "6.1.0-57-cloud-amd64
 * (debian-kernel@…) #1 SMP …", whose first word is the release.
 */
export function bzImageRelease(bytes: Buffer, path: string): string {
  const bad = () =>
    new LabError(
      "REUSELAB_BAD_ARGS",
      `${path} is not an x86 bzImage (no 'HdrS' setup header with a version string); give a vmlinuz/bzImage, a .deb, a build tree or debian:SUITE`,
    );
  if (bytes.length < 0x210 || bytes.toString("latin1", 0x202, 0x206) !== "HdrS") throw bad();
  const at = bytes.readUInt16LE(0x20e) + 0x200;
  const end = bytes.indexOf(0, at);
  const version = at < bytes.length && end > at ? bytes.toString("latin1", at, end) : "";
  const release = version.split(" ")[0] ?? "";
  if (!/^\d+\.\d+/.test(release)) throw bad();
  return release;
}

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** Where a kernel has no config, and boots unchecked. */
export function configUnknown(k: PreparedKernel): string | undefined {
  return "unknown" in k.config ? k.config.unknown : undefined;
}
