/**
 * npm run bench:backends [-- --jobs N]
 *
 * The docker backend's overhead, measured in one go: the default catalogue on the host's kernel on the
 * netns backend (probe processes in namespaces) and then on the docker backend (a container per actor
 * and per namespace, made or recycled: holder-pool.ts), each backend's wall time from prepared to last
 * run, their ratio, and how many containers docker made and used again. A measurement, not a test: it
 * never fails on a slow figure, only when a run does not pass.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ensureMachine } from "../bootstrap/ensure";
import { loadCatalogue } from "../case/load-cases";
import { DockerBackend } from "../backend/docker/docker-backend";
import type { HostBackend } from "../backend/host-backends";
import { KernelBackends } from "../run/kernel-backends";
import type { LabEvent } from "../events/events";
import { runSession } from "../run/session";
import { isBad } from "../verdict/outcome";

interface Timing {
  backend: HostBackend;
  runs: number;
  failed: number;
  wallMs: number;
  /** A run's own duration (lab up, steps, lab down), averaged. */
  meanRunMs: number;
  /** The docker backend's containers: made, and idle ones used again (holder-pool.ts). */
  containers?: DockerBackend["counts"];
}

async function timeCatalogue(backend: HostBackend, jobs: number): Promise<Timing> {
  await using backends = new KernelBackends(["host"], backend);
  let started = 0;
  const clock = { onEvent: (e: LabEvent) => void (e.type === "session-started" && (started = Date.now())) };
  const { repetitions } = await runSession(backends, { catalogue: loadCatalogue(["cases"]), reporters: [clock], jobs });
  const wallMs = Date.now() - started;
  const results = repetitions[0]!;
  const meanRunMs = results.reduce((sum, r) => sum + r.durationMs, 0) / Math.max(1, results.length);
  const host = backends.backend("host");
  const containers = host instanceof DockerBackend ? host.counts : undefined;
  return { backend, runs: results.length, failed: results.filter(isBad).length, wallMs, meanRunMs, containers };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { jobs: { type: "string", default: "2" } } });
  const jobs = Number(values.jobs);
  ensureMachine("all");
  const load = loadavg()[0]!.toFixed(1);
  const netns = await timeCatalogue("netns", jobs);
  const docker = await timeCatalogue("docker", jobs);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  for (const t of [netns, docker]) {
    process.stdout.write(
      `${t.backend.padEnd(7)} ${t.runs} runs (${t.failed} not passed) in ${s(t.wallMs)}, ${Math.round(t.meanRunMs)} ms per run on average, --jobs ${jobs}\n`,
    );
    const c = t.containers;
    if (c)
      process.stdout.write(
        `        containers: ${c.holdersMade} holders made, ${c.holdersReused} reused; ${c.actorsMade} actors made, ${c.actorsReused} reused\n`,
      );
  }
  process.stdout.write(
    `docker / netns: ${(docker.wallMs / netns.wallMs).toFixed(1)}x on ${cpus().length} cores (load average ${load} at the start)\n`,
  );
  return netns.failed + docker.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
