/**
 * npm run bench:matrix [-- --kernels host,5.10,6.1,6.12] [--kernel [ID=]SPEC]... [--backend netns] [--jobs N] [--guests N]
 *
 * --kernel adds a guest kernel of your own (the forms of `reuselab matrix --kernel`, e.g. a build tree
 * of images/kernels/build-kernel.sh); with it, --kernels defaults to host only.
 *
 * Times the kernel matrix, once: each guest's boot (QEMU start to the agent's READY), the catalogue on
 * each kernel (its first run's start to its last run's end: a guest waiting for a slot is not counted),
 * and the whole matrix's wall time. Prints a
 * table; it is a measurement, not a test: it never fails on a slow figure.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { kernelIds } from "../backend/vm/kernel-images";
import { parseKernelSpec } from "../backend/vm/kernel-spec";
import { LabError } from "../errors";
import type { HostBackend } from "../backend/host-backends";
import { interruptible } from "../interruption";
import { seconds, table } from "./text-table";
import { timeSession } from "./timed-session";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kernels: { type: "string" },
      backend: { type: "string", default: "netns" },
      jobs: { type: "string", default: "2" },
      guests: { type: "string" },
      kernel: { type: "string", multiple: true },
    },
  });
  const specs = (values.kernel ?? []).map((text) => {
    const k = parseKernelSpec(text);
    if ("error" in k) throw new LabError("REUSELAB_BAD_ARGS", `--kernel ${text}: ${k.error}; ${k.fix}`);
    return k;
  });
  using stop = interruptible("bench:matrix: interrupted: removing the labs and guests");
  const t = await timeSession({
    kernels: values.kernels?.split(",") ?? (specs.length ? ["host"] : ["host", ...kernelIds()]),
    backend: values.backend as HostBackend,
    specs,
    guests: values.guests ? Number(values.guests) : undefined,
    jobs: Number(values.jobs),
    cases: ["cases"],
    signal: stop.signal,
  });
  process.stdout.write(
    table(
      ["kernel", "release", "backend", "boot", "catalogue", "runs"],
      t.kernels.map((k) => [
        k.id,
        k.release,
        k.backend,
        k.restored ? `${seconds(k.bootMs)} (restored)` : seconds(k.bootMs),
        seconds(k.catalogueMs),
        Object.entries(k.outcomes)
          .map(([o, n]) => `${n} ${o}`)
          .join(", "),
      ]),
    ),
  );
  process.stdout.write(
    `prepare (downloads, images, boots): ${seconds(t.prepareMs)}; runs: ${seconds(t.runsMs)}; whole matrix: ${seconds(t.wallMs)} on ${cpus().length} cores\n`,
  );
  for (const line of t.notPassed) process.stdout.write(`not passed: ${line}\n`);
  return t.interrupted ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
