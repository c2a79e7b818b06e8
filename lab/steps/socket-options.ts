/**
 * Socket options as a case writes them ("reuseaddr", "reuseport", "rcvbuf=4096", "mcast-ttl=1"),
 * mapped to the probe's setsockopt names. A bare name means 1.
 */
import { isIPv4 } from "node:net";
import { suggestion } from "../problems";
import { StepSyntaxError, type Family } from "./grammar";

export interface SockOpt {
  /** The probe's option name (images/probe/cmd_socket.c). */
  name: string;
  value: string;
}

type Kind = "flag" | "int" | "seconds" | "ipv4";
/** `only`: the one address family whose sockets have the option (the probe has no call for the other). */
type Spec = { probe: string; kind: Kind; only?: Family };
/** A Map: a word like "constructor" must not find Object.prototype's members. */
const OPTIONS = new Map<string, Spec>(
  Object.entries({
    reuseaddr: { probe: "reuseaddr", kind: "flag" },
    reuseport: { probe: "reuseport", kind: "flag" },
    v6only: { probe: "v6only", kind: "flag", only: 6 },
    rcvbuf: { probe: "rcvbuf", kind: "int" },
    sndbuf: { probe: "sndbuf", kind: "int" },
    "incoming-cpu": { probe: "incoming_cpu", kind: "int" },
    linger: { probe: "linger", kind: "seconds" },
    "bind-address-no-port": { probe: "bind_address_no_port", kind: "flag" },
    "mcast-loop": { probe: "mcast_loop", kind: "flag" },
    "mcast-ttl": { probe: "mcast_ttl", kind: "int" },
    "mcast-all": { probe: "mcast_all", kind: "flag" },
    "mcast-if": { probe: "mcast_if", kind: "ipv4", only: 4 },
  } satisfies Record<string, Spec>),
);

export const OPTION_NAMES = [...OPTIONS.keys()];

export function parseOption(word: string): SockOpt {
  const [name, value, ...rest] = word.split("=");
  const spec = OPTIONS.get(name!);
  if (!spec || rest.length) {
    throw new StepSyntaxError(`unknown socket option '${name}'`, suggestion(name!, OPTION_NAMES, "options"));
  }
  if (spec.kind === "flag") {
    if (value === undefined) return { name: spec.probe, value: "1" };
    if (value !== "0" && value !== "1")
      throw new StepSyntaxError(`option '${name}' is 0 or 1, not '${value}'`, `write ${name} (1) or ${name}=0`);
    return { name: spec.probe, value };
  }
  if (value === undefined) throw new StepSyntaxError(`option '${name}' needs a value`, `write ${name}=VALUE`);
  if (spec.kind === "int" && !/^-?\d+$/.test(value))
    throw new StepSyntaxError(
      `option '${name}' takes a whole number, not '${value}'`,
      `write e.g. ${name}=${name === "rcvbuf" || name === "sndbuf" ? 4096 : 1}`,
    );
  if (spec.kind === "seconds" && !(/^\d+$/.test(value) && Number(value) <= 65535))
    throw new StepSyntaxError(
      `option '${name}' takes whole seconds from 0 to 65535, not '${value}'`,
      `write ${name}=0 (close() aborts with a RST) or e.g. ${name}=5`,
    );
  if (spec.kind === "ipv4" && !isIPv4(value))
    throw new StepSyntaxError(
      `option '${name}' takes an IPv4 address, not '${value}'`,
      `write the interface's address, e.g. ${name}=10.0.0.1`,
    );
  return { name: spec.probe, value };
}

/**
 * IPV6_V6ONLY exists only on IPv6 sockets and IP_MULTICAST_IF (with an IPv4 address) only on IPv4
 * ones: set on the other family, the probe would refuse it at run time, after the lab started.
 */
/** `sock` as the message shows it: "'s1'", or "the socket this step makes". */
export function checkOptionFamily(options: readonly SockOpt[], family: Family, sock: string): void {
  for (const o of options) {
    const [word, spec] = [...OPTIONS].find(([, s]) => s.probe === o.name)!;
    if (spec.only === undefined || spec.only === family) continue;
    const fix =
      spec.only === 6
        ? "bind or make the socket with an IPv6 address ([::]:PORT, [$actor]:PORT, or 'socket tcp|udp v6'), or drop it"
        : "use it on an IPv4 socket, or drop it";
    throw new StepSyntaxError(`option '${word}' is for IPv${spec.only} sockets; ${sock} is IPv${family}`, fix);
  }
}
