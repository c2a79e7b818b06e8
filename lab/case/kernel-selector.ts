/**
 * Which kernels an expectation or a requirement is about: a kernel id ("host", "5.10") or a version
 * comparison on the kernel's release ("<5.14", ">=6.1"), compared on as many numbers as it gives.
 */
import type { KernelInfo } from "../kernel-info";

export type KernelSelector =
  { kind: "id"; id: string } | { kind: "version"; op: "<" | "<=" | ">" | ">=" | "="; version: number[] };

const SELECTOR = /^(?:(host|\d+\.\d+)|(<=|>=|<|>|=)(\d+(?:\.\d+){1,2}))$/;

export function parseKernelSelector(text: string): KernelSelector | undefined {
  const m = SELECTOR.exec(text.trim());
  if (!m) return undefined;
  if (m[1]) return { kind: "id", id: m[1] };
  return { kind: "version", op: m[2] as "<", version: m[3]!.split(".").map(Number) };
}

export function describeSelector(s: KernelSelector): string {
  return s.kind === "id" ? s.id : `${s.op}${s.version.join(".")}`;
}

/** "6.12.57+deb13-cloud-amd64" -> [6, 12, 57] */
export function releaseVersion(release: string): number[] {
  return (/^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release) ?? [])
    .slice(1)
    .filter((x) => x !== undefined)
    .map(Number);
}

export function matchesKernel(s: KernelSelector, kernel: KernelInfo): boolean {
  if (s.kind === "id") return kernel.id === s.id;
  const have = releaseVersion(kernel.release);
  let cmp = 0;
  for (let i = 0; i < s.version.length && cmp === 0; i++) cmp = Math.sign((have[i] ?? 0) - s.version[i]!);
  switch (s.op) {
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    case "=":
      return cmp === 0;
  }
}
