/**
 * Counting steps (recv, accept) without waiting out a timer when the kernel can say nothing more will
 * come. The runner gives a step `settle` (lab/run/ledger.ts): true when the kernel's accounting of the
 * whole lab shows nothing of that protocol still on its way. A step then takes what is queued, asks,
 * and takes again: that is the count. When the accounting does not close (or there is none), the step
 * waits on its timer as it always did, for its whole time, after what it already took.
 */
import type { Observation } from "../verdict/observation";
import type { ActorRuntime } from "./actor-runtime";
import { callChain } from "./calls";
import type { ProbeReply } from "../probe/protocol";

export type Proto = "tcp" | "udp";
/** Whether nothing more of `proto` can arrive anywhere in the lab; false when the kernel cannot show it. */
export type Settle = (proto: Proto) => Promise<boolean>;

/** How a counting step ended (lab/verdict/observation.ts). */
export type Settled = NonNullable<Observation["settled"]>;

export interface Counting {
  proto: Proto;
  /** The probe call that takes what is queued now, without waiting, after `taken`; undefined: the step has its count. */
  take(taken: number): readonly string[] | undefined;
  /** The probe call that waits on the timer for the rest, after `taken`; undefined: the step has its count. */
  timed(taken: number): readonly string[] | undefined;
  /** What a call took, from its reply. */
  taken(reply: ProbeReply | undefined): number | undefined;
  /** The bound on one call. */
  callTimeoutMs: number;
}

/**
 * The step's observation: its count is the sum of what each call took, and `settled` says how it ended.
 * A call the kernel refuses (or the probe cannot make) ends the step with that call's answer.
 */
export async function countSettled(actor: ActorRuntime, c: Counting, settle: Settle | undefined): Promise<Observation> {
  const trace: string[] = [];
  let count = 0;
  /** Makes one call; its observation when it failed, undefined when it took what it could. */
  const call = async (words: readonly string[]): Promise<Observation | undefined> => {
    const { observation, last } = await callChain(actor, [words], c.callTimeoutMs);
    trace.push(...observation.trace);
    const got = c.taken(last);
    count += got ?? 0;
    const failed = observation.error !== undefined || observation.errno !== null;
    return failed ? { ...observation, trace, ...(got === undefined ? {} : { count }) } : undefined;
  };
  const counted = (settled: Settled): Observation => ({ ret: count, errno: null, count, trace, settled });
  if (settle) {
    const failed = await call(c.take(0)!);
    if (failed) return failed;
    const more = c.take(count);
    if (!more) return counted({ by: "count", waitedMs: 0 });
    if (await settle(c.proto)) return (await call(more)) ?? counted({ by: "accounting", waitedMs: 0 });
  }
  const words = c.timed(count);
  if (!words) return counted({ by: "count", waitedMs: 0 });
  const started = Date.now();
  return (await call(words)) ?? counted({ by: "timer", waitedMs: Date.now() - started });
}
