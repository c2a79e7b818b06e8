/**
 * One interface, several runtimes: a case never knows which one runs it. A backend prepares once
 * (images, engine, leftovers of killed runs), then starts one lab per run: the run's actors, each a
 * probe process with its uid and network namespace.
 */
import type { ActorRuntime } from "../steps/actor-runtime";

export interface KernelInfo {
  /** The kernel's id in run ids and the matrix: "host", "5.10", … */
  id: string;
  /** Its release string, as uname -r prints it. */
  release: string;
  /** A guest kernel's /proc/version: the build (compiler, build number, date), so two builds of one release differ. */
  build?: string;
  /** Where a guest kernel came from. */
  source?: KernelProvenance;
}

/** A guest kernel's origin: a Debian suite's package, a .deb file, a bare image, or a build tree. */
export interface KernelProvenance {
  kind: "debian" | "deb" | "image" | "tree";
  /** The .deb's sha256 (debian, deb), or the image's (image, tree). */
  sha256: string;
  suite?: string;
  package?: string;
  version?: string;
  path?: string;
  /** The modules folder given with a bare image. */
  modules?: string;
  /** The packages a split kernel package depends on and came with (Linux 7: linux-binary-…, linux-modules-…). */
  parts?: { package: string; sha256: string }[];
}

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
