/**
 * The host's kernel as the reports name it: its release, and its /proc/version as the build (as a
 * guest's is), where a distribution kernel names its upstream version ("… Debian 6.1.192-3 …") when
 * its release does not ("6.1.0-57-amd64"): the known bugs' version prediction reads it there.
 */
import { ignored } from "../debug-log";
import { readFileSync } from "node:fs";
import type { KernelInfo } from "../kernel-info";

export function hostKernel(release: string): KernelInfo {
  let build: string | undefined;
  try {
    build = readFileSync("/proc/version", "utf8").trim() || undefined;
  } catch (e) {
    ignored("backend/proc-version")(e); // no /proc (not Linux, or a sandbox): the release alone
  }
  return { id: "host", release, ...(build ? { build } : {}) };
}
