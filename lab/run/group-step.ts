/**
 * A counting step given to a group (recv, accept): every member drains its socket in rounds until the
 * group has the total the expectation names (so every datagram sent is accounted for, not guessed),
 * or, when it names none, until nothing new has come for a quiet period. Bounded by a timeout. With the
 * kernel's accounting (`settle`), once the total is in (or a round brings nothing) and the accounting
 * shows nothing more on its way, one last round takes what is queued and the step ends.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { StartedLab } from "../backend/backend";
import type { GroupStep } from "../case/case";
import { groupDrain } from "../steps";
import type { Settle } from "../steps/settle";
import { errorText } from "../steps/calls";
import type { Expectation } from "../verdict/expectation";
import { fairness } from "../verdict/fairness";
import type { Observation } from "../verdict/observation";

const ROUND_MS = 10;
const QUIET_MS = 150;
const DEFAULT_TIMEOUT_MS = 3000;

export async function performGroup(
  step: GroupStep,
  expect: Expectation,
  lab: StartedLab,
  settle?: Settle,
): Promise<Observation> {
  const started = Date.now();
  const counts: Record<string, number> = Object.fromEntries(step.members.map((m) => [m.actor, 0]));
  const target = knownTotal(expect, step.members.length);
  const drains = step.members.map((m) => ({ actor: m.actor, ...groupDrain(m.step) }));
  const deadline = Date.now() + (drains[0]!.timeoutMs || DEFAULT_TIMEOUT_MS);
  let lastArrival = Date.now();
  let errno: string | null = null;
  let settled = false;
  try {
    for (;;) {
      let round = 0;
      for (const m of drains) {
        const reply = await lab.actor(m.actor).call(m.call);
        if (reply.error !== undefined)
          return { ret: null, errno: null, trace: [], error: `${m.actor}: the probe refused: ${reply.error}` };
        if ((reply.ret ?? 0) < 0) errno = reply.errno ?? null;
        const got = m.taken(reply) ?? 0;
        if (got > 0) lastArrival = Date.now();
        counts[m.actor]! += got;
        round += got;
      }
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (errno || settled) break;
      if (settle && (target !== undefined ? total >= target : round === 0) && (await settle(drains[0]!.proto))) {
        settled = true; // one more round takes what came meanwhile, and nothing can come after it
        continue;
      }
      const now = Date.now();
      if (now >= deadline) break;
      if (target !== undefined ? total >= target && now - lastArrival >= ROUND_MS * 2 : now - lastArrival >= QUIET_MS)
        break;
      await sleep(ROUND_MS);
    }
  } catch (e) {
    return { ret: null, errno: null, trace: [], error: errorText(e) };
  }
  const values = Object.values(counts);
  const total = values.reduce((a, b) => a + b, 0);
  const trace = drains.map((m) => `${m.actor}: ${m.call.slice(0, 2).join(" ")} … = ${counts[m.actor]}`);
  const f = fairness(values);
  const how = settled
    ? { by: "accounting" as const, waitedMs: 0 }
    : { by: "timer" as const, waitedMs: Date.now() - started };
  return {
    ret: errno ? -1 : total,
    errno,
    count: total,
    counts,
    ...(f ? { fairness: f } : {}),
    trace,
    ...(errno ? {} : { settled: how }),
  };
}

/** The total the group must reach, when the expectation pins one down. */
function knownTotal(e: Expectation, members: number): number | undefined {
  if (e.kind !== "group") return undefined;
  if (e.one !== undefined) return e.one;
  if (e.total) return e.total.min;
  if (e.each && e.each.min === e.each.max) return e.each.min * members;
  return undefined;
}
