/**
 * What a started lab is on every backend: its actors, each a probe reached by name, started in
 * parallel and checked (probe-hello.ts), and the addresses "$actor" stands for. A backend says only
 * how an actor's process is placed in its namespace and what a namespace's addresses are.
 */
import type { ProbeSession } from "../probe/probe-session";
import type { ActorRuntime, ExitInfo } from "../steps/actor-runtime";
import type { Host } from "../steps/grammar";
import type { ActorSpec, LabSpec, StartedLab } from "./backend";
import type { KernelInfo } from "../kernel-info";
import { ProbeActor } from "./probe-actor";
import { checkHello } from "./probe-hello";

/** An actor's process as a backend placed it. */
export interface PlacedProbe {
  session: ProbeSession;
  /** Resolves when the actor's process has ended. */
  exited(): Promise<ExitInfo>;
  /** Kept from an earlier run: its recycling checked it already (probe-hello.ts). */
  reused: boolean;
}

export abstract class ProbeLab implements StartedLab {
  private readonly actors = new Map<string, ProbeActor>();

  constructor(
    protected readonly spec: LabSpec,
    protected readonly kernel: KernelInfo,
  ) {}

  /** Places the actor's probe (an idle one of the same uid, or a new one), labelled `label` in messages. */
  protected abstract place(actor: ActorSpec, label: string): Promise<PlacedProbe>;

  /** The addresses of one of the lab's namespaces: [IPv4, IPv6], once it is made. */
  protected abstract addresses(netns: string): readonly string[] | undefined;

  abstract [Symbol.asyncDispose](): Promise<void>;

  /** Starts every actor at once; each new probe must run as its uid on the lab's kernel. */
  protected async startActors(): Promise<void> {
    await Promise.all(
      this.spec.actors.map(async (a) => {
        const placed = await this.place(a, `${a.name} (${this.spec.runId})`);
        this.actors.set(a.name, new ProbeActor(a.name, placed.session, placed.exited, (h) => this.resolve(h)));
        if (!placed.reused) await checkHello(placed.session, a, this.kernel.release);
      }),
    );
  }

  actor(name: string): ActorRuntime {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no actor '${name}' in this lab`);
    return a;
  }

  private resolve(host: Host): string {
    if (host.kind === "literal") return host.address;
    const netns = this.spec.actors.find((a) => a.name === host.actor)?.netns;
    const address = netns === undefined ? undefined : this.addresses(netns)?.[host.family === 6 ? 1 : 0];
    if (!address) throw new Error(`no IPv${host.family} address for actor '${host.actor}'`);
    return address;
  }
}

/** Takes the idle probe of `actor`'s uid out of `idle`, if there is one; an actor with a capability never gets one. */
export function takeIdle<T extends { uid: number }>(idle: T[], actor: ActorSpec): T | undefined {
  const i = actor.caps.length ? -1 : idle.findIndex((p) => p.uid === actor.uid);
  return i >= 0 ? idle.splice(i, 1)[0] : undefined;
}
