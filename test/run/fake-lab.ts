// A backend with no kernel behind it, for the engine's unit tests: each actor's probe answers from a
// function the test gives, and the backend records what it was asked (labs started, calls, disposals).
import type { Backend, LabSpec, StartedLab } from "../../lab/backend/backend";
import type { KernelInfo } from "../../lab/kernel-info";
import type { Case, GroupStep } from "../../lab/case/case";
import { loadCase } from "../../lab/case/load-case";
import type { LabEvent } from "../../lab/events/events";
import { EventBus } from "../../lab/events/events";
import type { ProbeReply } from "../../lab/probe/protocol";
import type { ActorRuntime } from "../../lab/steps/actor-runtime";

/** The probe's answer to `words` from `actor`: a reply's fields (seq and cmd are filled in). */
export type Answer = (actor: string, words: readonly string[]) => Partial<ProbeReply>;

/** Two kernels for the runs of a plan. */
export const kernels: KernelInfo[] = [
  { id: "host", release: "6.18.44" },
  { id: "5.10", release: "5.10.0-46-cloud-amd64" },
];

/** A one-step case of three variants (extra: lines before its variants, e.g. tags). */
export const caseText = (extra = "") => `schemaVersion: 1
title: t
rule: r
source: s
${extra}variants: { v4: {}, v6: {}, v7: {} }
actors: { a: { uid: 1000 } }
steps:
  - a: bind udp 0.0.0.0:5353  => ok
`;

export const OK: Answer = () => ({ ret: 0, errno: null });

export class FakeBackend implements Backend {
  readonly name = "fake";
  readonly started: LabSpec[] = [];
  readonly calls: string[] = [];
  disposed = 0;

  constructor(
    private readonly answer: Answer = OK,
    private readonly startError?: Error,
  ) {}

  async prepare() {
    return { kernels: [], leftoversRemoved: {} };
  }

  async start(spec: LabSpec, _kernel: KernelInfo): Promise<StartedLab> {
    this.started.push(spec);
    if (this.startError) throw this.startError;
    const actor = (name: string): ActorRuntime => ({
      name,
      call: async (words) => {
        this.calls.push(`${name}: ${words.join(" ")}`);
        return { seq: 1, cmd: words[0]!, ...this.answer(name, words) };
      },
      fire: () => {},
      awaitExit: async () => ({ code: 0, signal: null }),
      resolve: (host) => (host.kind === "literal" ? host.address : "10.0.0.1"),
    });
    return { actor, [Symbol.asyncDispose]: async () => void this.disposed++ };
  }

  async abort() {}
  async [Symbol.asyncDispose]() {}
}

/** A case from its YAML text; the file name is cases/<id>.yaml. */
export function caseOf(id: string, yaml: string): Case {
  const loaded = loadCase(`cases/${id}.yaml`, id, yaml);
  if (!loaded.case) throw new Error(`test case ${id} does not load: ${JSON.stringify(loaded.problems)}`);
  return loaded.case;
}

/** An event bus and the events it carried, as "type" or "type:detail". */
export function recordingBus(): { bus: EventBus; events: LabEvent[] } {
  const events: LabEvent[] = [];
  return { bus: new EventBus().add({ onEvent: (e) => void events.push(e) }), events };
}

/**
 * The group step `all: VERB [within MS]` of a case whose three members w1, w2, w3 (uid 1000, one netns)
 * each bound port 5000 with SO_REUSEPORT (and listen, for accept). Its expectation in the text is not
 * what the engine judges by: performGroup takes the expectation as an argument.
 */
export function groupStepOf(verb: "recv" | "accept", within?: number): GroupStep {
  const bind = (w: string) =>
    verb === "recv"
      ? `  - ${w}: bind udp 0.0.0.0:5000 reuseport => ok\n`
      : `  - ${w}: bind tcp 0.0.0.0:5000 reuseport => ok\n  - ${w}: listen\n`;
  const c = caseOf(
    "g",
    `schemaVersion: 1
title: t
rule: r
source: s
actors: { w1: { uid: 1000 }, w2: { uid: 1000, netns: w1 }, w3: { uid: 1000, netns: w1 } }
groups: { all: [w1, w2, w3] }
steps:
${["w1", "w2", "w3"].map(bind).join("")}  - all: ${verb}${within === undefined ? "" : ` within ${within}`} => total 1
`,
  );
  return c.variants[0]!.steps.find((s) => s.members) as GroupStep;
}
