/** The validated case: what the YAML file means, with every piece keeping its source line. */
import type { Expectation } from "../verdict/expectation";
import type { KernelSelector } from "./kernel-selector";
import type { Step } from "../steps/step";

export interface SourceRef {
  file: string;
  line: number;
}

export interface Actor {
  name: string;
  uid: number;
  /** The name of the network namespace the actor lives in: its own name unless it shares a peer's. */
  netns: string;
  /** Capabilities the actor's process keeps (every other one is dropped), e.g. SETUID. */
  caps: string[];
  source: SourceRef;
}

/** A network namespace of a case, named after the actor that owns it, with its sysctls. */
export interface Netns {
  name: string;
  sysctls: Record<string, string>;
}

export type ClaimRelation = "confirms" | "refutes" | "partly";

/** A case (or one of its variants) saying what it shows about a claim of the seed guide. */
export interface ClaimRef {
  id: string;
  relation: ClaimRelation;
  /** Set when the relation holds only on these kernels (it then replaces the general one there). */
  kernel?: KernelSelector;
  source: SourceRef;
}

/** Where kernels differ: on the kernels the selector picks, the step expects this instead. */
export interface KernelExpectation {
  selector: KernelSelector;
  expect: Expectation;
}

/** A case (or variant) that needs a kernel feature: on other kernels its runs are skipped, with the reason. */
export interface Requirement {
  kernel: KernelSelector;
  because: string;
}

/** One step of a case, after variant substitution: who does it, what, and what the kernel should say. */
export interface ActorStep {
  actor: string;
  /** The call as written (variables not yet resolved), e.g. "bind udp $victim:5353 reuseaddr". */
  text: string;
  step: Step;
  /** What the actor does, in words, after its name: its step kind's phrase, made when the case loads. */
  phrase: string;
  expect: Expectation;
  /** Per-kernel expectations, the first match wins; `expect` holds for every other kernel. */
  byKernel: KernelExpectation[];
  source: SourceRef;
  members?: undefined;
}

/** A counting step (recv, accept) given to a group of actors: judged on their counts together. */
export interface GroupStep {
  /** The group's name. */
  actor: string;
  text: string;
  members: { actor: string; step: Step }[];
  /** What each member does, in words: its step kind's phrase, made when the case loads. */
  phrase: string;
  expect: Expectation;
  byKernel: KernelExpectation[];
  source: SourceRef;
}

export type CaseStep = ActorStep | GroupStep;

/** One variant of a case: its own actors and steps (variant parameters are already substituted). */
export interface CaseVariant {
  name: string;
  actors: Actor[];
  namespaces: Netns[];
  steps: CaseStep[];
  /** The case's claims and this variant's own. */
  claims: ClaimRef[];
  /** The case's requirements and this variant's own. */
  requires: Requirement[];
}

/** The kernel commit that fixed the bug a regression case triggers, and where it landed. */
export interface Fix {
  /** 12 to 40 lower-case hex digits. */
  commit: string;
  subject: string;
  cve?: string;
  /** The first mainline release with the fix, e.g. "6.2". */
  mainline: string;
  /** Stable line ("5.10") -> its first release with the fix ("5.10.150"), or null when the line never took it. */
  stable: Record<string, string | null>;
  /** Where these facts came from. */
  source: string;
  at: SourceRef;
}

export interface Case {
  /** Path-derived id, e.g. "hijack/udp-specific-address-steals-unicast". */
  id: string;
  file: string;
  title: string;
  /** The kernel rule the case checks, in words, and where it lives in the kernel or its man pages. */
  rule: string;
  source: string;
  tags: string[];
  /** Set when the case is known to fail: a failure is then xfail, a pass xpass. */
  xfail?: string;
  /** Set on a regression case: the fix whose absence the case's failure shows. */
  fix?: Fix;
  variants: CaseVariant[];
}
