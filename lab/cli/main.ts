/**
 * reuselab [run|matrix] [--cases DIR]… [--filter TEXT]… [--kernels K,…] [--json FILE] [--jobs N]
 *
 * Loads and validates every case before anything starts, prepares a backend per kernel (engine,
 * probe image, guest kernels, leftovers of killed runs), runs, reports. Exit 0 when every run
 * passed, 1 when one failed, 2 on bad input or environment, 130 when interrupted.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { kernelIds } from "../backend/vm/kernel-images";
import { ensureMachine } from "../bootstrap/ensure";
import { loadCatalogue, type Catalogue } from "../case/load-cases";
import { LabError } from "../errors";
import { EventBus } from "../events/events";
import { plan, type Selection } from "../plan/plan";
import { ConsoleReporter } from "../report/console-reporter";
import { JsonReporter } from "../report/json-reporter";
import { runAll } from "../run/runner";
import { isBad } from "../verdict/outcome";
import { HOST_BACKENDS, KernelBackends, type HostBackend } from "./backends";
import { EXIT } from "./exit-codes";

const DEFAULT_CASES = resolve(__dirname, "../../cases");

const HELP = `reuselab: runs SO_REUSEADDR / SO_REUSEPORT cases on real kernels and judges what they do

usage: npm run lab -- [run|matrix] [options]

  run              the catalogue on this machine's kernel (the default)
  matrix           the catalogue on this machine's kernel and on every guest kernel image
                   (images/kernels/kernels.yaml), side by side

options:
  --cases PATH     a case folder or file (repeatable; default: the catalogue in cases/)
  --filter TEXT    only runs whose id (case.variant@kernel) contains TEXT (repeatable)
  --tag TAG        only cases tagged TAG (repeatable; --tag slow runs the slow ones)
  --slow           also run the cases tagged slow (they wait out real timers, e.g. TIME_WAIT)
  --kernels LIST   the kernels to run on, e.g. host,5.10,6.1,6.12 (guests boot under QEMU)
  --json FILE      write the results (schema 1) to FILE
  --jobs N         runs at once on each kernel (default 2)
  --backend NAME   for the host's kernel: docker (the default: one container per actor) or netns
                   (probe processes in network namespaces, no container engine; root only)
  -h, --help       this text

exit status: 0 all passed, 1 a run failed, 2 bad input or environment, 130 interrupted
`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cases: { type: "string", multiple: true },
        filter: { type: "string", multiple: true },
        tag: { type: "string", multiple: true },
        slow: { type: "boolean", default: false },
        kernels: { type: "string" },
        json: { type: "string" },
        jobs: { type: "string", default: "2" },
        backend: { type: "string", default: "docker" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    process.stderr.write(`reuselab: ${(e as Error).message}\n\n${HELP}`);
    return EXIT.badInput;
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  const [command = "run", ...extra] = args.positionals;
  const jobs = Number(args.values.jobs);
  const problems = [
    command !== "run" && command !== "matrix" ? `unknown command '${command}' (known: run, matrix)` : "",
    extra.length ? `unexpected '${extra.join(" ")}'` : "",
    !Number.isInteger(jobs) || jobs < 1 || jobs > 32 ? `--jobs ${args.values.jobs} is not a whole number from 1 to 32` : "",
    !(HOST_BACKENDS as readonly string[]).includes(args.values.backend!) ? `unknown backend '${args.values.backend}' (known: ${HOST_BACKENDS.join(", ")})` : "",
  ].filter(Boolean);
  if (problems.length) {
    process.stderr.write(problems.map((p) => `reuselab: ${p}\n`).join("") + "run 'npm run lab -- --help' for the options\n");
    return EXIT.badInput;
  }

  try {
    const catalogue = loadCatalogue(args.values.cases ?? [DEFAULT_CASES]);
    const kernels = args.values.kernels?.split(",").map((k) => k.trim()).filter(Boolean) ?? (command === "matrix" ? ["host", ...kernelIds()] : ["host"]);
    await using backends = new KernelBackends(kernels, args.values.backend as HostBackend);
    ensureMachine(backends.needsEngine ? "all" : "toolchain");
    if (backends.needsVm) ensureMachine("vm");
    const selection = { filter: args.values.filter ?? [], tags: args.values.tag ?? [], slow: args.values.slow };
    return await runCases(backends, catalogue, selection, jobs, args.values.json);
  } catch (e) {
    if (e instanceof LabError) {
      process.stderr.write(`reuselab: ${e.message}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

async function runCases(backends: KernelBackends, catalogue: Catalogue, selection: Selection, jobs: number, json?: string): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    process.stderr.write("\nreuselab: interrupted; removing the lab's containers, namespaces and guests\n");
    controller.abort();
    void backends.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const prepared = await backends.prepare();
    const runs = plan(catalogue.cases, prepared.kernels, selection);
    if (runs.length === 0) throw new LabError("REUSELAB_NO_CASES", "no run matches the selection (--filter, --tag)");
    const bus = new EventBus().add(new ConsoleReporter());
    if (json) bus.add(new JsonReporter(json));
    bus.emit({ type: "session-started", backend: backends.name, kernels: prepared.kernels, runs, leftoversRemoved: prepared.leftoversRemoved });
    const results = await runAll(runs, (k) => backends.backend(k), bus, prepared.kernels, { jobs, signal: controller.signal, claims: catalogue.claims });
    await bus.close();
    if (controller.signal.aborted) return EXIT.interrupted;
    return results.some(isBad) ? EXIT.failed : EXIT.passed;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** A reader that goes away (| head) ends the output, not the run: the lab still cleans up and exits. */
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
}

if (require.main === module) {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`reuselab: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(EXIT.badInput);
    },
  );
}
