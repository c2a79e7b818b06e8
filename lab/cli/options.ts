/** The options several commands share, each defined once: same flag, same words in every --help. */
import { InvalidArgumentError, Option, type Command } from "commander";
import type * as KernelImages from "../backend/vm/kernel-images";
import { DEFAULT_CASES } from "../case/case-files";
import type { Selection } from "../plan/plan";
import type { ZeroProof } from "../run/run-case";
import { HOST_BACKENDS, type HostBackend } from "../backend/host-backends";

/** Sets the command's exit status; an action calls it once, when it is done. */
export type ExitSink = (code: number) => void;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} ${value} is not a whole number from ${min} to ${max}`);
    return n;
  };
}

export interface SelectionOptions {
  cases?: string[];
  filter?: string[];
  tag?: string[];
  slow?: boolean;
}

export function addCasesOption(cmd: Command): Command {
  return cmd.option("--cases <path>", "a case folder or file (repeatable; default: the catalogue in cases/)", collect);
}

export function addSelectionOptions(cmd: Command): Command {
  return addCasesOption(cmd)
    .option("--filter <text>", "only runs whose id (case.variant@kernel) contains TEXT (repeatable)", collect)
    .option("--tag <tag>", "only cases tagged TAG (repeatable; --tag slow runs the slow ones)", collect);
}

export function casePaths(o: SelectionOptions): string[] {
  return o.cases ?? [DEFAULT_CASES];
}

export function selectionOf(o: SelectionOptions): Selection {
  return { filter: o.filter ?? [], tags: o.tag ?? [], slow: o.slow ?? false };
}

export function addKernelsOption(cmd: Command, what: string): Command {
  return cmd.option("--kernels <list>", `${what}, e.g. host,5.10,6.1,6.12 (guests boot under QEMU)`, kernelList);
}

/** An empty list would select no run at all, and be blamed on --filter; say what is wrong instead. */
function kernelList(value: string): string[] {
  const ids = value
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  if (!ids.length) {
    // kernels.yaml (and the YAML library) is read only for this message, not at every start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- commander's argument parsers are synchronous
    const { kernelIds } = require("../backend/vm/kernel-images") as typeof KernelImages;
    throw new InvalidArgumentError(
      `--kernels is empty; name one or more of the kernels, comma-separated: ${["host", ...kernelIds()].join(", ")} (images/kernels/kernels.yaml)`,
    );
  }
  return ids;
}

/** --kernel SPEC, repeatable: a guest kernel that is not in images/kernels/kernels.yaml. */
export function addKernelSpecOption(cmd: Command): Command {
  return cmd.option(
    "--kernel <spec>",
    "also run on this guest kernel (repeatable): debian:SUITE[/PACKAGE], a .deb file, IMAGE[:MODULES_DIR] (a bzImage and its lib/modules/<release>), or a kernel build tree; [ID=]SPEC names it (default: its release). With --kernel, the default kernels are none for run and host for matrix",
    collect,
  );
}

export function addBackendOption(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      "--backend <name>",
      "for the host's kernel: docker (a container per actor) or netns (probe processes in network namespaces; no engine, root only)",
    )
      .choices(HOST_BACKENDS)
      .default("docker"),
  );
}

export function addReportOptions(cmd: Command): Command {
  return cmd
    .option("--json <file>", "write the results (schema 1) to FILE")
    .option("--junit <file>", "write a JUnit XML report to FILE (a testsuite per kernel, a testcase per run)")
    .option(
      "--html <file>",
      "write an HTML report to FILE: one self-contained page with the case x kernel matrix, the claims audit and each run's steps",
    );
}

export interface ReportOptions {
  json?: string;
  junit?: string;
  html?: string;
}

export interface RunOptions extends SelectionOptions, ReportOptions {
  /** --known-bugs FILE: the allowlist of fixes a kernel is known to lack. */
  knownBugs?: string;
  kernels?: string[];
  /** --kernel SPEC, as given. */
  kernel?: string[];
  backend: HostBackend;
  jobs?: number;
  /** --zeros accounting|timer: how counting steps prove that nothing more comes. */
  zeros: ZeroProof;
  /** --guests N: guest kernels booting or running at once. */
  guests?: number;
  repeat: number;
}
