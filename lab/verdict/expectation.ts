/**
 * What a step expects from the kernel, written after "=>" in a case file:
 *
 *   => ok               the call succeeded
 *   => EADDRINUSE       it failed with that errno
 *   => 20               a count: datagrams received, connections accepted
 *   => FIN_WAIT2        the TCP states of the sockets on a port ("none" for no socket)
 *   => killed           the actor's process died of SIGKILL
 */
export type Expectation =
  | { kind: "ok" }
  | { kind: "errno"; name: string }
  | { kind: "count"; value: number }
  | { kind: "states"; states: Record<string, number> }
  | { kind: "killed" };

export type ExpectationKind = Expectation["kind"];

export const TCP_STATES = [
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
  "NEW_SYN_RECV",
] as const;

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case "ok":
      return "ok";
    case "errno":
      return e.name;
    case "count":
      return String(e.value);
    case "killed":
      return "killed";
    case "states":
      return describeStates(e.states);
  }
}

export function describeStates(states: Record<string, number>): string {
  const words = Object.entries(states)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([s, n]) => Array<string>(n).fill(s));
  return words.length ? words.join(" ") : "none";
}
