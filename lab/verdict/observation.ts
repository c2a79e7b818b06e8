import { describeStates } from "./expectation";
import type { Fairness } from "./fairness";

/** What the kernel answered to one step, as the probe reported it. */
export interface Observation {
  /** The return value of the step's deciding call; null when the step made none (or could not run). */
  ret: number | null;
  /** The symbolic errno of the deciding call, null when it succeeded. */
  errno: string | null;
  /** Datagrams received, connections accepted or made, datagrams sent, a timer in ms, a sysctl's value. */
  count?: number;
  /** A group step: each member's count (count is then their sum), and how evenly they are spread. */
  counts?: Record<string, number>;
  fairness?: Fairness;
  /** TCP sockets on a port, by state. */
  states?: Record<string, number>;
  /** How the actor's process ended (crash). */
  exit?: { code: number | null; signal: string | null };
  /** Every probe call the step made, with the kernel's answer: "bind s 0.0.0.0 8080 = -1 EADDRINUSE". */
  trace: string[];
  /** A counting step: how it ended (the kernel's accounting, its count, or a timer and how long it waited). */
  settled?: { by: "accounting" | "count" | "timer"; waitedMs: number };
  /** The step could not be performed at all (the actor is gone, the probe did not answer). */
  error?: string;
}

/** The observation in words; a group's fairness figures are shown when `withFairness` (the step asked for "fair"). */
export function describeObservation(o: Observation, withFairness = false): string {
  if (o.error) return `error: ${o.error}`;
  if (o.exit) return o.exit.signal ? `killed by ${o.exit.signal}` : `exited with code ${o.exit.code}`;
  if (o.errno) return `-1 ${o.errno}`;
  if (o.counts) {
    const each = Object.values(o.counts).join("/");
    const f =
      o.fairness && withFairness
        ? `, max deviation ${o.fairness.maxDeviationPct}%, chi-square ${o.fairness.chiSquare}, p=${o.fairness.pValue}${o.fairness.fair ? "" : " (uneven)"}`
        : "";
    return `${each} (total ${o.count ?? 0}${f})`;
  }
  if (o.states) return describeStates(o.states);
  if (o.count !== undefined) return String(o.count);
  return o.ret === null ? "nothing" : `ok (ret ${o.ret})`;
}
