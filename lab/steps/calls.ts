/** Running a step's probe calls in order and turning the replies into an Observation. */
import { LabError } from "../errors";
import { traceLine, type ProbeReply } from "../probe/protocol";
import type { Observation } from "../verdict/observation";
import type { ActorRuntime } from "./actor-runtime";

/**
 * Makes the calls one after the other and stops at the first the kernel refuses: the observation is
 * that call's answer (or the last one's), with every call in its trace.
 */
export async function callChain(
  actor: ActorRuntime,
  calls: readonly (readonly string[])[],
  timeoutMs?: number,
): Promise<{ observation: Observation; last?: ProbeReply }> {
  const trace: string[] = [];
  let last: ProbeReply | undefined;
  for (const words of calls) {
    try {
      last = await actor.call(words, timeoutMs);
    } catch (e) {
      return { observation: { ret: null, errno: null, trace, error: errorText(e) } };
    }
    trace.push(traceLine(words, last));
    if (last.error !== undefined) {
      return {
        observation: { ret: null, errno: null, trace, error: `the probe refused '${words.join(" ")}': ${last.error}` },
        last,
      };
    }
    if ((last.ret ?? 0) < 0) break;
  }
  return { observation: { ret: last?.ret ?? null, errno: last?.errno ?? null, trace }, last };
}

export function errorText(e: unknown): string {
  if (e instanceof LabError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
