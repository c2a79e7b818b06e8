/** The shared words of the steps' sentences (reuselab explain): sockets, addresses, socket options. */
import type { Endpoint, Host } from "./grammar";
import type { SockOpt } from "./socket-options";

const OPTION_NAMES: Record<string, string> = {
  reuseaddr: "SO_REUSEADDR",
  reuseport: "SO_REUSEPORT",
  v6only: "IPV6_V6ONLY",
  rcvbuf: "SO_RCVBUF",
  sndbuf: "SO_SNDBUF",
  incoming_cpu: "SO_INCOMING_CPU",
  mcast_loop: "IP_MULTICAST_LOOP",
  mcast_ttl: "IP_MULTICAST_TTL",
  mcast_all: "IP_MULTICAST_ALL",
  mcast_if: "IP_MULTICAST_IF",
};
const FLAGS = ["reuseaddr", "reuseport", "v6only", "mcast_loop", "mcast_all"];

/** The probe's option name as the kernel's headers spell it: "reuseport" is SO_REUSEPORT. */
export function optionName(probeName: string): string {
  return OPTION_NAMES[probeName] ?? probeName;
}

/** " with SO_REUSEADDR and SO_RCVBUF=4096", or "" for no options. */
export function optionsPhrase(opts: readonly SockOpt[]): string {
  if (!opts.length) return "";
  const words = opts.map((o) => {
    const name = optionName(o.name);
    if (!FLAGS.includes(o.name)) return `${name}=${o.value}`;
    return o.value === "0" ? `${name} off` : name;
  });
  return ` with ${words.join(" and ")}`;
}

function hostPhrase(h: Host): string {
  if (h.kind === "actor") return h.family === 6 ? `[$${h.actor}]` : `$${h.actor}`;
  return h.family === 6 ? `[${h.address}]` : h.address;
}

export function endpointPhrase(e: Endpoint): string {
  const wildcard = e.host.kind === "literal" && (e.host.address === "0.0.0.0" || e.host.address === "::");
  return `${hostPhrase(e.host)}:${e.port}${wildcard ? " (every address)" : ""}`;
}

/** A step's socket, and whether the case named it on the step's line ("on s2", "as s2", "close s2"). */
export interface SocketRef {
  sock: string;
  named?: true;
}

/** "its socket" or, when the case names it, "its socket s2". */
export function sockPhrase(s: SocketRef): string {
  return s.named ? `its socket ${s.sock}` : "its socket";
}

/** `named` for a step whose line gave (or left out) the socket's name. */
export function namedIf(given: string | undefined): { named?: true } {
  return given === undefined ? {} : { named: true };
}
