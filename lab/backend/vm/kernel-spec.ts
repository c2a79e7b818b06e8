/**
 * What a guest kernel is made from, as the user writes it (--kernel SPEC, or `kernel:` in
 * images/kernels/kernels.yaml):
 *
 *   debian:SUITE[/PACKAGE]   a package of any Debian suite (default linux-image-cloud-amd64)
 *   PATH.deb                 a kernel package file
 *   IMAGE[:MODULES_DIR]      a bare bzImage/vmlinuz, with its lib/modules/<release> folder or none
 *   BUILD_DIR                a kernel build tree (arch/x86/boot/bzImage, .config)
 *
 * A spec may start with `ID=` to name the kernel; otherwise its id is its release.
 */
import { ignored } from "../../debug-log";
import { statSync } from "node:fs";
import { resolve } from "node:path";

export const DEFAULT_PACKAGE = "linux-image-cloud-amd64";

export type KernelSpec =
  | { kind: "debian"; suite: string; package: string }
  | { kind: "deb"; path: string }
  | { kind: "image"; path: string; modules?: string }
  | { kind: "tree"; path: string };

/** A kernel the run boots: its spec, and its id when one was given. */
export interface GuestKernel {
  id?: string;
  spec: KernelSpec;
  /** How the user wrote it, for messages. */
  text: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const SUITE = /^[a-z][a-z0-9.-]*$/;
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/** Why `text` is not a kernel spec, or the spec; relative paths are resolved against `base`. */
export function parseKernelSpec(text: string, base = process.cwd()): GuestKernel | { error: string; fix: string } {
  const named = /^([^=/:]+)=(.+)$/.exec(text);
  if (named && !ID.test(named[1]!))
    return {
      error: `'${named[1]}' is not a kernel id`,
      fix: "an id is letters, digits and . _ + - (e.g. 5.10-security=debian:bullseye-security)",
    };
  const id = named?.[1];
  const rest = named ? named[2]! : text;
  const spec = parseSpec(rest, base);
  if ("error" in spec) return spec;
  return { ...(id ? { id } : {}), spec, text };
}

function parseSpec(text: string, base: string): KernelSpec | { error: string; fix: string } {
  if (text.startsWith("debian:")) {
    const [suite = "", pkg = DEFAULT_PACKAGE, ...more] = text.slice("debian:".length).split("/");
    if (!SUITE.test(suite) || more.length)
      return {
        error: `'${text}' is not debian:SUITE[/PACKAGE]`,
        fix: "e.g. debian:bookworm-security or debian:sid/linux-image-amd64",
      };
    if (!PACKAGE.test(pkg))
      return {
        error: `'${pkg}' is not a Debian package name`,
        fix: "e.g. linux-image-cloud-amd64 or linux-image-amd64",
      };
    return { kind: "debian", suite, package: pkg };
  }
  const whole = resolve(base, text);
  const kind = what(whole);
  if (kind === "dir") return { kind: "tree", path: whole };
  if (kind === "file") return text.endsWith(".deb") ? { kind: "deb", path: whole } : { kind: "image", path: whole };
  // IMAGE:MODULES_DIR, split at the last colon whose left side is a file.
  for (let i = text.lastIndexOf(":"); i > 0; i = text.lastIndexOf(":", i - 1)) {
    const image = resolve(base, text.slice(0, i));
    if (what(image) !== "file") continue;
    const modules = resolve(base, text.slice(i + 1));
    if (what(modules) !== "dir")
      return {
        error: `the modules folder '${text.slice(i + 1)}' of '${text}' is not a folder`,
        fix: "give the kernel's lib/modules/<release> folder after the colon, or leave ':…' out when every module the guest needs is built in",
      };
    return { kind: "image", path: image, modules };
  }
  return {
    error: `'${text}' is neither a file nor a folder`,
    fix: "give debian:SUITE[/PACKAGE], a .deb file, a bzImage (IMAGE[:MODULES_DIR]) or a kernel build tree",
  };
}

function what(path: string): "file" | "dir" | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "dir" : s.isFile() ? "file" : undefined;
  } catch (e) {
    return ignored("vm/kernel-path")(e);
  }
}

/** The Debian archive a suite lives in: security updates have their own. */
export function debianMirror(suite: string, env: NodeJS.ProcessEnv = process.env): string {
  if (suite.endsWith("-security"))
    return env.REUSELAB_DEBIAN_SECURITY_MIRROR ?? "http://deb.debian.org/debian-security";
  return env.REUSELAB_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
}

export function describeSpec(spec: KernelSpec): string {
  switch (spec.kind) {
    case "debian":
      return `debian:${spec.suite}${spec.package === DEFAULT_PACKAGE ? "" : `/${spec.package}`}`;
    case "image":
      return spec.modules ? `${spec.path}:${spec.modules}` : spec.path;
    default:
      return spec.path;
  }
}
