/**
 * A case step in words, for `reuselab explain`: "attacker binds a new UDP socket to $victim:5353 with
 * SO_REUSEADDR and expects EADDRINUSE". Made from the parsed step, so it says what the lab will do,
 * not what the text seems to say; a step kind without a phrase here falls back to its text.
 */
import type { CaseStep } from "../case/case";
import { describeSelector } from "../case/kernel-selector";
import type { Endpoint, Host } from "../steps/grammar";
import type { SockOpt } from "../steps/socket-options";
import type { Step } from "../steps/step";
import { describeExpectation, type Expectation } from "../verdict/expectation";

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

function options(opts: readonly SockOpt[]): string {
  if (!opts.length) return "";
  const words = opts.map((o) => {
    const name = OPTION_NAMES[o.name] ?? o.name;
    if (!FLAGS.includes(o.name)) return `${name}=${o.value}`;
    return o.value === "0" ? `${name} off` : name;
  });
  return ` with ${words.join(" and ")}`;
}

function host(h: Host): string {
  if (h.kind === "actor") return h.family === 6 ? `[$${h.actor}]` : `$${h.actor}`;
  return h.family === 6 ? `[${h.address}]` : h.address;
}

function endpoint(e: Endpoint): string {
  const wildcard = e.host.kind === "literal" && (e.host.address === "0.0.0.0" || e.host.address === "::");
  return `${host(e.host)}:${e.port}${wildcard ? " (every address)" : ""}`;
}

/** "its socket" or, when the case names it, "its socket s2". */
function sock(name: string, text: string): string {
  return new RegExp(`\\b(as|on)\\s+${name}\\b`).test(text) || text.split(/\s+/).includes(name) ? `its socket ${name}` : "its socket";
}

/** What the actor does, after its name: "binds a new UDP socket to 0.0.0.0:8080 (every address)". */
export function stepPhrase(step: Step, text: string): string {
  switch (step.kind) {
    case "socket":
      return `makes a ${step.proto.toUpperCase()}${step.family === 6 ? " IPv6" : ""} socket${options(step.options)}`;
    case "bind":
    case "connect": {
      const verb = step.kind === "bind" ? "binds" : "connects";
      const what = step.create ? `a new ${step.create.proto.toUpperCase()} socket` : sock(step.sock, text);
      return `${verb} ${what} to ${endpoint(step.endpoint)}${options(step.options)}`;
    }
    case "listen":
      return `listens on ${sock(step.sock, text)}${/\d/.test(text) ? ` with a backlog of ${step.backlog}` : ""}`;
    case "accept":
      return `accepts up to ${step.count} connection${step.count === 1 ? "" : "s"} on ${sock(step.sock, text)} and keeps them open`;
    case "connect-many":
      return `opens ${step.count} TCP connections to ${endpoint(step.endpoint)}, each from its own port`;
    case "send":
      return `sends ${step.count} datagram${step.count === 1 ? "" : "s"} to ${endpoint(step.endpoint)}${step.sock ? "" : ", each from a fresh socket (so a fresh source port)"}`;
    case "recv":
      return `counts the datagrams that reach ${sock(step.sock, text)}`;
    case "join":
      return `joins multicast group ${step.group}${step.via ? ` via ${step.via}` : ""} on ${sock(step.sock, text)}`;
    case "close":
      return `closes ${sock(step.sock, text)} and every connection it accepted`;
    case "close-accepted":
      return `closes the connections ${sock(step.sock, text)} accepted, keeping the listener`;
    case "close-listener":
      return `closes ${sock(step.sock, text)}, the listener, but keeps the connections it accepted`;
    case "crash":
      return "is killed by SIGKILL, with every socket it holds";
    case "setsockopt":
      return `sets${options(step.options).replace(/^ with/, "")} on ${sock(step.sock, text)}`;
    case "setuid":
      return `switches to uid ${step.uid}`;
    case "disconnect":
      return `disconnects ${sock(step.sock, text)} (connect() with AF_UNSPEC: a UDP socket forgets its peer)`;
    case "shutdown":
      return `shuts ${sock(step.sock, text)} down for ${{ rd: "reading", wr: "writing", rdwr: "reading and writing" }[step.how]}`;
    case "sleep":
      return `waits ${step.ms} ms`;
    case "pin-cpu":
      return `pins itself to CPU ${step.cpu}`;
    case "sysctl":
      return `reads the sysctl ${step.name} of its namespace`;
    case "tcp-states":
      return `looks at the states of its namespace's TCP sockets on port ${step.port}`;
    case "tcp-timer":
      return `reads the time left on the ${step.state} timer of its namespace's TCP sockets on port ${step.port}`;
  }
}

/** "expects EADDRINUSE"; for a group, "expect total 200, each 30..70, fair". */
export function expectationPhrase(e: Expectation, plural = false): string {
  const expect = plural ? "expect" : "expects";
  switch (e.kind) {
    case "ok":
      return `${expect} it to succeed`;
    case "killed":
      return `${expect} it to die of SIGKILL`;
    default:
      return `${expect} ${describeExpectation(e)}`;
  }
}

/** The whole step as a sentence, with the kernels on which it expects something else. */
export function stepSentence(s: CaseStep): string {
  const group = s.members !== undefined;
  const byKernel = s.byKernel.map((k) => `; on ${describeSelector(k.selector)} ${group ? "they" : "it"} ${expectationPhrase(k.expect, group)}`).join("");
  if (s.members) {
    const who = s.members.map((m) => m.actor).join(", ");
    return `${s.actor} (${who}): each ${stepPhrase(s.members[0]!.step, s.text).replace(/\bits socket\b/, "its own socket")}; together they ${expectationPhrase(s.expect, true)}${byKernel}`;
  }
  return `${s.actor} ${stepPhrase(s.step, s.text)} and ${expectationPhrase(s.expect)}${byKernel}`;
}
