/**
 * The service's sockets as the kernel sees them: ss, run by the host inside the service's network
 * namespace (nsenter -t PID -n), which lists every socket of that namespace with its owner's uid and
 * process; the service's image needs no tools for it. Root only, like the docker backend.
 */
import { spawnSync } from "node:child_process";
import { systemEnv, systemTool } from "../system-tools";
import type { ServicePort } from "./audit";

export function serviceSockets(pid: number, port: ServicePort): string[] {
  const flag = port.transport === "udp" ? "-lunpeH" : "-ltnpeH";
  const r = spawnSync(
    systemTool("nsenter", "util-linux"),
    ["-t", String(pid), "-n", "ss", flag, "sport", "=", `:${port.port}`],
    { encoding: "utf8", timeout: 10_000, env: systemEnv() },
  );
  if (r.error || r.status !== 0) return [`(ss could not list the sockets: ${r.error?.message ?? r.stderr.trim()})`];
  return r.stdout
    .split("\n")
    .map((l) =>
      l
        .replace(/\s+/g, " ")
        .replace(/ cgroup:\S+/, "")
        .replace(/ ino:\d+ sk:\S+/, "")
        .trim(),
    )
    .filter(Boolean);
}

/** The local addresses in ss lines: "0.0.0.0", "10.213.4.10", "::" (for the same-address profiles). */
export function boundAddresses(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const local = l.split(" ")[3];
    const m = local && /^\[?([^\]%]*)(?:%[^\]]*)?\]?:(\d+)$/.exec(local);
    if (m?.[1] !== undefined) out.push(m[1] === "*" ? "0.0.0.0" : m[1]);
  }
  return [...new Set(out)];
}

/**
 * The families a client can reach the service over, from its sockets: IPv4 through an IPv4 socket or
 * an IPv6 one that is not v6only (v4-mapped), IPv6 through an IPv6 socket.
 */
export function servedFamilies(lines: readonly string[]): ("v4" | "v6")[] {
  let v4 = false;
  let v6 = false;
  for (const l of lines) {
    const local = l.split(" ")[3] ?? "";
    if (local.startsWith("[")) {
      v6 = true;
      if (!/\bv6only:1\b/.test(l)) v4 = true;
    } else if (/:\d+$/.test(local)) v4 = true;
  }
  return [...(v4 ? ["v4" as const] : []), ...(v6 ? ["v6" as const] : [])];
}
