/**
 * Socket options as a case writes them ("reuseaddr", "reuseport", "rcvbuf=4096", "mcast-ttl=1"),
 * mapped to the probe's setsockopt names. A bare name means 1.
 */
import { isIPv4 } from "node:net";
import { suggestion } from "../case/problems";
import { StepSyntaxError } from "./grammar";

export interface SockOpt {
  /** The probe's option name (images/probe/cmd_socket.c). */
  name: string;
  value: string;
}

type Kind = "flag" | "int" | "ipv4";
const OPTIONS: Record<string, { probe: string; kind: Kind }> = {
  reuseaddr: { probe: "reuseaddr", kind: "flag" },
  reuseport: { probe: "reuseport", kind: "flag" },
  v6only: { probe: "v6only", kind: "flag" },
  rcvbuf: { probe: "rcvbuf", kind: "int" },
  sndbuf: { probe: "sndbuf", kind: "int" },
  "incoming-cpu": { probe: "incoming_cpu", kind: "int" },
  "mcast-loop": { probe: "mcast_loop", kind: "flag" },
  "mcast-ttl": { probe: "mcast_ttl", kind: "int" },
  "mcast-all": { probe: "mcast_all", kind: "flag" },
  "mcast-if": { probe: "mcast_if", kind: "ipv4" },
};

export const OPTION_NAMES = Object.keys(OPTIONS);

export function isOptionWord(word: string): boolean {
  return word.split("=")[0]! in OPTIONS;
}

export function looksLikeOption(word: string): boolean {
  return /^[a-z][a-z0-9-]*(=\S+)?$/.test(word);
}

export function parseOption(word: string): SockOpt {
  const [name, value, ...rest] = word.split("=");
  const spec = OPTIONS[name!];
  if (!spec || rest.length) {
    throw new StepSyntaxError(`unknown socket option '${name}'`, suggestion(name!, OPTION_NAMES, "options"));
  }
  if (spec.kind === "flag") {
    if (value === undefined) return { name: spec.probe, value: "1" };
    if (value !== "0" && value !== "1") throw new StepSyntaxError(`option '${name}' is 0 or 1, not '${value}'`, `write ${name} (1) or ${name}=0`);
    return { name: spec.probe, value };
  }
  if (value === undefined) throw new StepSyntaxError(`option '${name}' needs a value`, `write ${name}=VALUE`);
  if (spec.kind === "int" && !/^-?\d+$/.test(value)) throw new StepSyntaxError(`option '${name}' takes a whole number, not '${value}'`, `write e.g. ${name}=${name === "rcvbuf" || name === "sndbuf" ? 4096 : 1}`);
  if (spec.kind === "ipv4" && !isIPv4(value)) throw new StepSyntaxError(`option '${name}' takes an IPv4 address, not '${value}'`, `write the interface's address, e.g. ${name}=10.0.0.1`);
  return { name: spec.probe, value };
}
