/**
 * What a kernel's version number predicts about a fix: present, absent or unknown, from the release
 * the fix landed in mainline and the first fixed release of each stable line. The run judges; this
 * only says what the number alone would have made a reader expect, so the two can be compared.
 *
 * The upstream version is not always the release string: Debian's older kernels are "5.10.0-46-cloud-amd64"
 * (an ABI number, not the patch level), while their /proc/version says "Debian 5.10.262-1" and their
 * package version is 5.10.262-1.
 */
import type { KernelInfo } from "../kernel-info";
import type { Fix } from "../case/case";
import { compareVersions } from "../case/read-fix";

export type Prediction = "present" | "absent" | "unknown";

export interface Upstream {
  /** [major, minor, patch], or [major, minor] when the patch level cannot be told. */
  version: number[];
  /** Where it was read: "/proc/version (Debian 5.10.262-1)", "the release 6.18.44-fc-v1272". */
  from: string;
}

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?/;

export function upstreamVersion(k: KernelInfo): Upstream | undefined {
  // After "#1 SMP …": before it, "(gcc-10 (Debian 10.2.1-6) …)" is the compiler's version.
  const debian = /#\d+ [^#]*?\bDebian (\d+\.\d+\.\d+)(\S*)/.exec(k.build ?? "");
  if (debian)
    return { version: debian[1]!.split(".").map(Number), from: `/proc/version (Debian ${debian[1]}${debian[2]})` };
  if (k.source?.kind === "debian" && k.source.version && VERSION.exec(k.source.version)?.[3] !== undefined) {
    return {
      version: VERSION.exec(k.source.version)!.slice(1, 4).map(Number),
      from: `the package version ${k.source.version}`,
    };
  }
  const m = VERSION.exec(k.release);
  if (!m) return undefined;
  // X.Y.0-N-flavour: a distribution's ABI number after .0, so only the line is known.
  if (/^\d+\.\d+\.0-\d+/.test(k.release))
    return {
      version: [Number(m[1]), Number(m[2])],
      from: `the release ${k.release} (a distribution's ABI number, not the patch level)`,
    };
  return { version: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], from: `the release ${k.release}` };
}

/** The prediction, and its reason in words. */
export function predictFix(fix: Fix, k: KernelInfo): { predicted: Prediction; because: string } {
  const up = upstreamVersion(k);
  if (!up) return { predicted: "unknown", because: `the release ${k.release} has no version number` };
  const line = up.version.slice(0, 2).join(".");
  const shown = `${up.version.join(".")} (${up.from})`;
  if (compareVersions(up.version.slice(0, 2), fix.mainline.split(".").map(Number)) >= 0)
    return { predicted: "present", because: `${shown} is at or after mainline ${fix.mainline}, which has the fix` };
  const first = fix.stable[line];
  if (first === undefined)
    return {
      predicted: "unknown",
      because: `${shown} is before mainline ${fix.mainline}, and the fix's facts say nothing of the ${line} line`,
    };
  if (first === null) return { predicted: "absent", because: `${shown}: the ${line} line never took the fix` };
  if (up.version.length < 3)
    return {
      predicted: "unknown",
      because: `${shown}: the ${line} line took the fix in ${first}, and the patch level is unknown`,
    };
  const have = compareVersions(up.version, first.split(".").map(Number)) >= 0;
  return {
    predicted: have ? "present" : "absent",
    because: `${shown} is ${have ? "at or after" : "before"} ${first}, the ${line} line's first release with the fix`,
  };
}
