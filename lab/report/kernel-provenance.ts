/** A guest kernel's provenance in one line of words, for the reports: where it came from and which build it is. */
import type { KernelInfo } from "../kernel-info";

export function provenanceText(k: KernelInfo): string | undefined {
  const s = k.source;
  if (!s) return undefined;
  const sum = `sha256 ${s.sha256.slice(0, 16)}…`;
  const from =
    s.kind === "debian"
      ? `${s.package} ${s.version} from Debian ${s.suite} (.deb ${sum}${s.parts ? `; with ${s.parts.map((p) => `${p.package} ${p.sha256.slice(0, 16)}…`).join(", ")}` : ""})`
      : s.kind === "deb"
        ? `${s.package} ${s.version} from ${s.path} (${sum})`
        : s.kind === "image"
          ? `image ${s.path} (${sum})${s.modules ? ` with modules ${s.modules}` : ", no modules"}`
          : `build tree ${s.path} (bzImage ${sum})`;
  return `${k.id}: ${k.release}, ${from}${k.build ? `; ${k.build}` : ""}`;
}
