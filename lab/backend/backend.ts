/**
 * One interface, several runtimes: a case never knows which one runs it. A backend prepares once
 * (images, engine, leftovers of killed runs), then starts one lab per run: the run's actors, each a
 * probe process with its uid and network namespace.
 */
import type { KernelInfo } from "../kernel-info";
import type { ActorRuntime } from "../steps/actor-runtime";

export interface ActorSpec {
  name: string;
  uid: number;
  /** Actors with the same netns share one network namespace. */
  netns: string;
  /** Capabilities the actor keeps; all others are dropped. */
  caps: readonly string[];
}

export interface NetnsSpec {
  name: string;
  /** net.* sysctls set in the namespace before any actor starts. */
  sysctls: Readonly<Record<string, string>>;
}

export interface LabSpec {
  /** The run's id (case.variant@kernel): names and labels the lab's objects. */
  runId: string;
  actors: readonly ActorSpec[];
  namespaces: readonly NetnsSpec[];
}

export interface StartedLab extends AsyncDisposable {
  actor(name: string): ActorRuntime;
}

export interface PrepareReport {
  kernels: KernelInfo[];
  /** Objects a killed earlier run left behind, removed before this one started, by kind. */
  leftoversRemoved: Record<string, number>;
}

export interface Backend extends AsyncDisposable {
  readonly name: string;
  prepare(): Promise<PrepareReport>;
  start(spec: LabSpec, kernel: KernelInfo): Promise<StartedLab>;
  /** Removes everything this backend made, now (Ctrl-C). Safe to call more than once. */
  abort(): Promise<void>;
}
