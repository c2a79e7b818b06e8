/**
 * The host the audit models. A container's network namespace is not the host's: Docker sets
 * net.ipv4.ip_unprivileged_port_start=0 in every one it makes, so any uid may bind port 53 there,
 * where on the host it gets EACCES. The service's namespace (which every attacker joins) is given
 * the values of the sysctls that decide who may bind what, read from this host's /proc/sys, or the
 * ones the audit file declares for the production host; the report states each value and its source.
 *
 * Modelled (per network namespace, Documentation/networking/ip-sysctl.rst):
 *   net.ipv4.ip_unprivileged_port_start  ports below it need CAP_NET_BIND_SERVICE (IPv4 and IPv6)
 *   net.ipv4.ip_nonlocal_bind            bind an IPv4 address the host does not have
 *   net.ipv6.ip_nonlocal_bind            the same for IPv6
 *   net.ipv4.ip_autobind_reuse           bind(port 0) may pick a port others hold with SO_REUSEADDR
 * Not modelled, because they do not change who may bind an explicit port: ip_local_port_range and
 * ip_local_reserved_ports only steer automatic port choice ("explicit port allocation behavior is
 * unchanged").
 */
import { readFileSync } from "node:fs";
import { debugLog } from "../debug-log";

export const MODELLED_SYSCTLS = [
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_nonlocal_bind",
  "net.ipv6.ip_nonlocal_bind",
  "net.ipv4.ip_autobind_reuse",
] as const;

export interface ModelledSysctl {
  value: string;
  source: "this host" | "audit file";
}

/** The values the lab sets: the audit file's where it declares one, else this host's (a sysctl this kernel lacks is left out). */
export function hostModel(
  declared: Readonly<Record<string, string>>,
  procSys = "/proc/sys",
): Record<string, ModelledSysctl> {
  const out: Record<string, ModelledSysctl> = {};
  for (const name of MODELLED_SYSCTLS) {
    if (declared[name] !== undefined) {
      out[name] = { value: declared[name], source: "audit file" };
      continue;
    }
    try {
      out[name] = { value: readFileSync(`${procSys}/${name.replace(/\./g, "/")}`, "utf8").trim(), source: "this host" };
    } catch (e) {
      debugLog("audit/host-model", e); // Not on this kernel (ip_autobind_reuse is 5.9+): nothing to model.
    }
  }
  return out;
}

export function describeModel(model: Readonly<Record<string, ModelledSysctl>>): string {
  return Object.entries(model)
    .map(([k, v]) => `${k}=${v.value} (${v.source})`)
    .join(", ");
}
