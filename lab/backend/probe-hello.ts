/**
 * The check every backend makes of an actor's probe before a run uses it: its hello says the uid it
 * runs as and the kernel it runs on, and both must be the lab's. A probe kept from an earlier run is
 * checked the same way when it is recycled (a new worker, no socket).
 */
import { debugLog, ignored } from "../debug-log";
import { LabError } from "../errors";
import { replyFields, type ReplyFields } from "../probe/commands";
import type { ProbeSession } from "../probe/probe-session";

type Hello = ReplyFields<"hello">;

/** How long a probe may take to start a new worker and say hello. */
const RECYCLE_MS = 2000;

/** What is wrong with a probe's hello, or undefined when it runs as `uid` on kernel `release`. */
function misplaced(hello: Hello, uid: number, release: string): string | undefined {
  if (hello.uid !== uid) return `runs as uid ${String(hello.uid)}, not ${uid}`;
  if (hello.release !== release) return `runs on kernel ${String(hello.release)}, not ${release}`;
  return undefined;
}

/** Asks a newly started probe its hello; throws REUSELAB_ACTOR_MISPLACED unless it runs as `uid` on `release`. */
export async function checkHello(session: ProbeSession, uid: number, release: string): Promise<void> {
  const wrong = misplaced(replyFields("hello", await session.call(["hello"])), uid, release);
  if (wrong) throw new LabError("REUSELAB_ACTOR_MISPLACED", `${session.label} ${wrong}`);
}

/**
 * Recycles a probe for a later run: its hello (with its worker's pid) when it answers as `uid` on
 * `release`; undefined when it does not, and the caller removes it.
 */
export async function recycled(session: ProbeSession, uid: number, release: string): Promise<Hello | undefined> {
  const reply = await session.recycle(RECYCLE_MS).catch(ignored("backend/recycle"));
  if (!reply) return undefined;
  let hello: Hello;
  try {
    hello = replyFields("hello", reply);
  } catch (e) {
    debugLog("backend/recycle", e); // a hello outside the protocol: the probe is not kept
    return undefined;
  }
  const wrong = misplaced(hello, uid, release);
  if (wrong) debugLog("backend/recycle", `${session.label} ${wrong}: not kept`);
  return wrong ? undefined : hello;
}
