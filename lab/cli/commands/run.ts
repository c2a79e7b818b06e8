/**
 * reuselab run | matrix: one implementation, two defaults for the kernels (run: this machine's;
 * matrix: this machine's and every guest kernel image). Loads and validates every case before
 * anything starts, prepares a backend per kernel (engine, probe image, guest kernels, leftovers of
 * killed runs), runs the selection --repeat times, reports.
 */
import { Option, type Command } from "commander";
import { defaultGuests } from "../../backend/host-backends";
import { defaultJobs } from "../../run/jobs";
import { addKnownBugsOption } from "../known-bugs-option";
import {
  addBackendOption,
  addKernelSpecOption,
  addKernelsOption,
  addReportOptions,
  addSelectionOptions,
  wholeNumber,
  type ExitSink,
  type RunOptions,
} from "../options";

const WHAT = {
  run: "the catalogue on this machine's kernel (the default command)",
  matrix:
    "the catalogue on this machine's kernel and on every guest kernel image (images/kernels/kernels.yaml), side by side",
} as const;
const SUMMARY = {
  run: "run the cases on this machine's kernel (the default command)",
  matrix: "run them on this machine's kernel and every guest kernel, side by side",
} as const;

export function runCommands(parent: Command, exit: ExitSink): void {
  for (const name of ["run", "matrix"] as const) {
    const cmd = parent.command(name).summary(SUMMARY[name]).description(WHAT[name]);
    addSelectionOptions(cmd).option(
      "--slow",
      "also run the cases tagged slow (they wait out real timers, e.g. TIME_WAIT)",
    );
    addKernelsOption(
      cmd,
      `the kernels to run on (default: ${name === "run" ? "host" : "host and every guest kernel"})`,
    );
    addKernelSpecOption(cmd);
    addBackendOption(cmd);
    addKnownBugsOption(cmd);
    cmd
      .option(
        "--jobs <n>",
        `runs at once on each kernel (default: one per core on this machine's kernel, at least 2: ${defaultJobs("host")} here; 2 in a guest, which has one CPU)`,
        wholeNumber("--jobs", 1, 32),
      )
      .option(
        "--guests <n>",
        `guest kernels booting or running at once; the others wait their turn (default: one per core, ${defaultGuests()} here)`,
        wholeNumber("--guests", 1, 64),
      )
      .addOption(
        new Option(
          "--zeros <how>",
          "how a counting step (recv, accept) proves that nothing more comes: accounting (the kernel's counters show nothing on its way; a timer where they cannot) or timer (always wait the timer out)",
        )
          .choices(["accounting", "timer"])
          .default("accounting"),
      )
      .option(
        "--repeat <n>",
        "run the selection N times and report every run whose verdict changed",
        wholeNumber("--repeat", 1, 100),
        1,
      );
    // The engine, backends and reporters load when a run starts, not for --help (run-action.ts).
    addReportOptions(cmd).action(async (o: RunOptions) =>
      exit(await (await import("./run-action")).runOrMatrix(name, o)),
    );
  }
}
