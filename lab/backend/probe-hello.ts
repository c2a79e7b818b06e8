/**
 * The check every backend makes of an actor's probe before a run uses it: its hello says the uid and
 * gid it runs as, the capabilities it holds and could gain (its bounding set), and the kernel it runs
 * on, and all must be the lab's: the actor's uid and gid, no capability for an actor that names none.
 * A probe kept from an earlier run is checked the same way when it is recycled (a new worker, no
 * socket, perhaps another uid).
 */
import { debugLog, ignored } from "../debug-log";
import { LabError } from "../errors";
import { replyFields, type ReplyFields } from "../probe/commands";
import type { ProbeSession } from "../probe/probe-session";
import type { ActorSpec } from "./backend";

type Hello = ReplyFields<"hello">;

/** How long a probe may take to start a new worker and say hello. */
const RECYCLE_MS = 2000;

/** Who an actor's probe must be: its uid (and gid), and whether it may hold any capability. */
export type Credentials = Pick<ActorSpec, "uid" | "caps">;

/** What is wrong with a probe's hello, or undefined when it runs as `actor` on kernel `release`. */
function misplaced(hello: Hello, actor: Credentials, release: string): string | undefined {
  const { uid } = actor;
  if (hello.uid !== uid || hello.euid !== uid) return `runs as uid ${String(hello.uid)}, not ${uid}`;
  if (hello.gid !== uid) return `runs as gid ${String(hello.gid)}, not ${uid}`;
  // A field the probe did not send is undefined: not 0, so a probe that cannot say fails the check.
  if (actor.caps.length === 0 && (hello.caps !== 0 || hello.bounding !== 0))
    return `holds capabilities (mask ${String(hello.caps)}, bounding set ${String(hello.bounding)}), not none`;
  if (hello.release !== release) return `runs on kernel ${String(hello.release)}, not ${release}`;
  return undefined;
}

/** Asks a newly started probe its hello; throws REUSELAB_ACTOR_MISPLACED unless it runs as `actor` on `release`. */
export async function checkHello(session: ProbeSession, actor: Credentials, release: string): Promise<void> {
  const wrong = misplaced(replyFields("hello", await session.call(["hello"])), actor, release);
  if (wrong) throw new LabError("REUSELAB_ACTOR_MISPLACED", `${session.label} ${wrong}`);
}

/**
 * Recycles a probe for a later run, as `actor`'s uid when `switchUid` (an init that starts any uid's
 * workers: `probe init-as`), else as its own: its hello (with its worker's pid) when it answers as
 * `actor` on `release`; undefined when it does not, and the caller removes it.
 */
export async function recycled(
  session: ProbeSession,
  actor: Credentials,
  release: string,
  switchUid = false,
): Promise<Hello | undefined> {
  const reply = await session.recycle(RECYCLE_MS, switchUid ? actor.uid : undefined).catch(ignored("backend/recycle"));
  if (!reply) return undefined;
  let hello: Hello;
  try {
    hello = replyFields("hello", reply);
  } catch (e) {
    debugLog("backend/recycle", e); // a hello outside the protocol: the probe is not kept
    return undefined;
  }
  const wrong = misplaced(hello, actor, release);
  if (wrong) debugLog("backend/recycle", `${session.label} ${wrong}: not kept`);
  return wrong ? undefined : hello;
}
