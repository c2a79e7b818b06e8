/**
 * What a step expects from the kernel, written after "=>" in a case file:
 *
 *   => ok               the call succeeded
 *   => EADDRINUSE       it failed with that errno
 *   => 20, => 25..75    a count (datagrams received, connections accepted…), exact or a range
 *   => FIN_WAIT2        the TCP states of the sockets on a port ("none" for no socket)
 *   => killed           the actor's process died of SIGKILL
 *
 * and, for a step given to a group of actors (recv, accept), clauses on the members' counts:
 *
 *   => total 200, each 30..70, fair     the sum; every member's count; a chi-square test of evenness
 *   => one 50                           exactly one member got 50, every other none
 */
export interface Range {
  min: number;
  max: number;
}

export type Expectation =
  | { kind: "ok" }
  | { kind: "errno"; name: string }
  | { kind: "count"; range: Range }
  | { kind: "states"; states: Record<string, number> }
  | { kind: "killed" }
  | { kind: "group"; total?: Range; each?: Range; one?: number; fair?: true };

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

export function exactly(n: number): Range {
  return { min: n, max: n };
}

export function inRange(n: number, r: Range): boolean {
  return n >= r.min && n <= r.max;
}

export function describeRange(r: Range): string {
  return r.min === r.max ? String(r.min) : `${r.min}..${r.max}`;
}

/** A group's "fair" clause: its observation is shown with the figures of the evenness test. */
export function asksFairness(e: Expectation): boolean {
  return e.kind === "group" && e.fair === true;
}

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case "ok":
      return "ok";
    case "errno":
      return e.name;
    case "count":
      return describeRange(e.range);
    case "killed":
      return "killed";
    case "states":
      return describeStates(e.states);
    case "group":
      return [
        e.total && `total ${describeRange(e.total)}`,
        e.each && `each ${describeRange(e.each)}`,
        e.one !== undefined && `one ${e.one}`,
        e.fair && "fair",
      ]
        .filter(Boolean)
        .join(", ");
  }
}

/** "FIN_WAIT2 TIME_WAIT", "ESTABLISHED*8", "none". */
export function describeStates(states: Record<string, number>): string {
  const words = Object.entries(states)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => (n > 2 ? `${s}*${n}` : Array<string>(n).fill(s).join(" ")));
  return words.length ? words.join(" ") : "none";
}
