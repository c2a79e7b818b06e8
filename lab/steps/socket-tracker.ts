import type { Family, Proto } from "./grammar";
import { StepSyntaxError } from "./grammar";

export interface TrackedSocket {
  name: string;
  proto: Proto;
  family: Family;
}

/**
 * Follows, while a case is validated, which sockets each actor has made, so that a step naming a
 * socket that does not exist is an error with its line before anything runs. A step that names no
 * socket acts on the actor's newest one.
 */
export class SocketTracker {
  private readonly byActor = new Map<string, TrackedSocket[]>();
  private readonly counters = new Map<string, number>();

  create(actor: string, proto: Proto, family: Family, name?: string): TrackedSocket {
    const list = this.list(actor);
    if (name !== undefined && list.some((s) => s.name === name)) {
      throw new StepSyntaxError(`${actor} already has a socket named '${name}'`, `close it first, or pick another name`);
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
      if (!newest) throw new StepSyntaxError(`${actor} has no socket yet`, "make one first (socket, bind tcp|udp …, connect tcp|udp …)");
      return newest;
    }
    const s = list.find((x) => x.name === name);
    if (!s) {
      const known = list.map((x) => x.name);
      throw new StepSyntaxError(`${actor} has no socket named '${name}'`, known.length ? `its sockets: ${known.join(", ")}` : "it has made none yet");
    }
    return s;
  }

  close(actor: string, name: string): void {
    const list = this.list(actor);
    list.splice(list.findIndex((s) => s.name === name), 1);
  }

  /** After a crash the actor has no sockets left. */
  forget(actor: string): void {
    this.byActor.set(actor, []);
  }

  private list(actor: string): TrackedSocket[] {
    let l = this.byActor.get(actor);
    if (!l) this.byActor.set(actor, (l = []));
    return l;
  }
}
