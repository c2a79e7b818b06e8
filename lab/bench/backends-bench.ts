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
import { interruptible } from "../interruption";
import { timeSession, type KernelTime } from "./timed-session";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { jobs: { type: "string", default: "2" } } });
  const jobs = Number(values.jobs);
  const load = loadavg()[0]!.toFixed(1);
  using stop = interruptible("bench:backends: interrupted: removing the labs");
  const time = async (backend: "netns" | "docker") =>
    (await timeSession({ kernels: ["host"], backend, jobs, cases: ["cases"], signal: stop.signal })).kernels[0]!;
  const netns = await time("netns");
  const docker = await time("docker");
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const notPassed = (k: KernelTime) => k.runs - (k.outcomes.passed ?? 0);
  for (const [name, t] of [
    ["netns", netns],
    ["docker", docker],
  ] as const) {
    process.stdout.write(
      `${name.padEnd(7)} ${t.runs} runs (${notPassed(t)} not passed) in ${s(t.catalogueMs)}, ${Math.round(t.meanRunMs)} ms per run on average, --jobs ${jobs}\n`,
    );
    const c = t.containers;
    if (c)
      process.stdout.write(
        `        containers: ${c.holdersMade} holders made, ${c.holdersReused} reused; ${c.actorsMade} actors made, ${c.actorsReused} reused\n`,
      );
  }
  process.stdout.write(
    `docker / netns: ${(docker.catalogueMs / netns.catalogueMs).toFixed(1)}x on ${cpus().length} cores (load average ${load} at the start)\n`,
  );
  return notPassed(netns) + notPassed(docker) > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
