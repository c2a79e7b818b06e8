import type { Family, Proto } from "./grammar";
import { StepSyntaxError } from "./grammar";

export interface TrackedSocket {
  name: string;
  proto: Proto;
  family: Family;
}

/**
 * Thrown instead of "has no socket" for an actor one of whose earlier lines could not be read: that
 * line may have made (or closed) the socket, so the problem is the earlier line's, already reported.
 */
export class EchoOfEarlierProblem extends StepSyntaxError {}

/** Verbs that use sockets but never make one; any other verb that fails (or an unknown one) may have made one. */
const KNOWN_NOT_MAKING = new Set([
  "accept",
  "close",
  "close-accepted",
  "close-listener",
  "crash",
  "join",
  "listen",
  "pin-cpu",
  "recv",
  "send",
  "setsockopt",
  "setuid",
  "shutdown",
  "sleep",
  "sysctl",
  "tcp-states",
  "tcp-timer",
]);

/**
 * Follows, while a case is validated, which sockets each actor has made, so that a step naming a
 * socket that does not exist is an error with its line before anything runs. A step that names no
 * socket acts on the actor's newest one.
 */
export class SocketTracker {
  private readonly byActor = new Map<string, TrackedSocket[]>();
  private readonly counters = new Map<string, number>();
  /** Per actor, what lines that failed may have made: the newest socket ("" ) and sockets named "as NAME". */
  private readonly unsure = new Map<string, Set<string>>();
  private allUnsure = false;

  /**
   * A line of this actor (of any actor, when it is not known whose) could not be read. If it could
   * have made a socket (its verb makes one, or is unknown, or it names tcp|udp or "as NAME"), later
   * lines that find no such socket are its echoes, not new problems.
   */
  lineFailed(actor: string | undefined, call: string): void {
    if (actor === undefined) {
      this.allUnsure = true;
      return;
    }
    const words = call.split(/\s+/);
    const set = this.unsure.get(actor) ?? new Set<string>();
    this.unsure.set(actor, set);
    const as = words.indexOf("as");
    if (as >= 0 && words[as + 1]) set.add(words[as + 1]!);
    if (!KNOWN_NOT_MAKING.has(words[0] ?? "") || words.includes("tcp") || words.includes("udp")) set.add("");
  }

  create(actor: string, proto: Proto, family: Family, name?: string): TrackedSocket {
    const list = this.list(actor);
    if (name !== undefined && list.some((s) => s.name === name)) {
      throw new StepSyntaxError(
        `${actor} already has a socket named '${name}'`,
        `close it first, or pick another name`,
      );
    }
    let chosen = name;
    while (chosen === undefined || list.some((s) => s.name === chosen)) {
      const n = (this.counters.get(actor) ?? 0) + 1;
      this.counters.set(actor, n);
      chosen = `s${n}`;
    }
    const s = { name: chosen, proto, family };
    list.push(s);
    return s;
  }

  use(actor: string, name?: string): TrackedSocket {
    const list = this.list(actor);
    if (name === undefined) {
      const newest = list[list.length - 1];
      if (!newest && this.isUnsure(actor, "")) throw new EchoOfEarlierProblem(`${actor} has no socket yet`);
      if (!newest)
        throw new StepSyntaxError(
          `${actor} has no socket yet`,
          "make one first (socket, bind tcp|udp …, connect tcp|udp …)",
        );
      return newest;
    }
    const s = list.find((x) => x.name === name);
    if (!s && this.isUnsure(actor, name)) throw new EchoOfEarlierProblem(`${actor} has no socket named '${name}'`);
    if (!s) {
      const known = list.map((x) => x.name);
      throw new StepSyntaxError(
        `${actor} has no socket named '${name}'`,
        known.length ? `its sockets: ${known.join(", ")}` : "it has made none yet",
      );
    }
    return s;
  }

  close(actor: string, name: string): void {
    const list = this.list(actor);
    list.splice(
      list.findIndex((s) => s.name === name),
      1,
    );
  }

  /** After a crash the actor has no sockets left. */
  forget(actor: string): void {
    this.byActor.set(actor, []);
  }

  private isUnsure(actor: string, name: string): boolean {
    return this.allUnsure || Boolean(this.unsure.get(actor)?.has(name));
  }

  private list(actor: string): TrackedSocket[] {
    let l = this.byActor.get(actor);
    if (!l) this.byActor.set(actor, (l = []));
    return l;
  }
}
