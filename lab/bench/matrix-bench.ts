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
import { VmBackend } from "../backend/vm/vm-backend";
import { kernelIds } from "../backend/vm/kernel-images";
import { parseKernelSpec } from "../backend/vm/kernel-spec";
import { ensureMachine } from "../bootstrap/ensure";
import { LabError } from "../errors";
import { loadCatalogue } from "../case/load-cases";
import type { HostBackend } from "../backend/host-backends";
import { KernelBackends } from "../run/kernel-backends";
import type { LabEvent } from "../events/events";
import { runSession } from "../run/session";
import { formatFailure } from "../verdict/outcome";

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
  const kernels = values.kernels?.split(",") ?? (specs.length ? ["host"] : ["host", ...kernelIds()]);
  const wall = Date.now();
  await using backends = new KernelBackends(
    kernels,
    values.backend as HostBackend,
    specs,
    values.guests ? Number(values.guests) : undefined,
  );
  ensureMachine(backends.needsEngine ? "all" : "toolchain");
  if (backends.needsVm) ensureMachine("vm");
  let preparedAt = wall;
  const firstRun = new Map<string, number>();
  const lastRun = new Map<string, number>();
  const outcomes = new Map<string, Record<string, number>>();
  const notPassed: string[] = [];
  const timer = {
    onEvent: (e: LabEvent) => {
      if (e.type === "session-started") preparedAt = Date.now();
      if (e.type === "run-started" && !firstRun.has(e.run.kernel.id)) firstRun.set(e.run.kernel.id, Date.now());
      if (e.type !== "run-finished") return;
      if (e.result.outcome !== "passed")
        notPassed.push(
          `${e.result.id}: ${e.result.outcome === "failed" ? formatFailure(e.result.failures[0]!) : e.result.outcome}`,
        );
      lastRun.set(e.run.kernel.id, Date.now());
      const o = outcomes.get(e.run.kernel.id) ?? {};
      o[e.result.outcome] = (o[e.result.outcome] ?? 0) + 1;
      outcomes.set(e.run.kernel.id, o);
    },
  };
  const { kernels: prepared } = await runSession(backends, {
    catalogue: loadCatalogue(["cases"]),
    reporters: [timer],
    jobs: Number(values.jobs),
  });
  const done = Date.now();

  const rows = prepared.map((k) => {
    const b = backends.backend(k.id);
    const boot = b instanceof VmBackend && b.bootMs !== undefined ? `${(b.bootMs / 1000).toFixed(1)} s` : "-";
    const catalogueTime = `${(((lastRun.get(k.id) ?? preparedAt) - (firstRun.get(k.id) ?? preparedAt)) / 1000).toFixed(1)} s`;
    const counts = Object.entries(outcomes.get(k.id) ?? {})
      .map(([o, n]) => `${n} ${o}`)
      .join(", ");
    return [k.id, k.release, b.name, boot, catalogueTime, counts];
  });
  const header = ["kernel", "release", "backend", "boot", "catalogue", "runs"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`${line(header)}\n${rows.map(line).join("\n")}\n`);
  process.stdout.write(
    `prepare (downloads, images, boots): ${((preparedAt - wall) / 1000).toFixed(1)} s; runs: ${((done - preparedAt) / 1000).toFixed(1)} s; whole matrix: ${((done - wall) / 1000).toFixed(1)} s on ${cpus().length} cores\n`,
  );
  for (const line of notPassed) process.stdout.write(`not passed: ${line}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
