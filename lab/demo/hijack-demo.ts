/**
 * `reuselab demo hijack`: the standing demo of compose.yaml, run once through testcontainers'
 * DockerComposeEnvironment with a standalone compose binary (Debian's docker-compose v1 by default;
 * a compose v2 binary works the same), and what its services' logs say about who answered.
 *
 * Contract of runHijackDemo(options):
 * - Builds the probe (make) first: compose builds its image from images/probe/build/probe. Nothing is
 *   pulled. Removes what killed demos and lab runs of this host left behind (cleanup.ts).
 * - Each call is its own compose project (`reuselab-hijack-…`) on its own /24 of 10.214.0.0/16, so
 *   calls may run at once, in one process or several, and beside the lab's runs.
 * - Resolves, once everything is torn down, with the counts read from the logs: the client's view
 *   (sent, answered by attacker / victim, unanswered) and each service's own count of answers.
 *   It does not judge them: a kernel where the victim answered still resolves (the formatter says so).
 * - Always tears down, on success, on error, on timeout and on interruption: `compose down` with
 *   volumes and a zero stop timeout, then every container and network left with the project's label
 *   is removed. The image (reuselab-probe:demo) stays, like the lab's probe image.
 * - Rejects with a LabError: REUSELAB_BAD_ARGS (options), REUSELAB_NO_ENGINE, REUSELAB_NO_COMPOSE,
 *   REUSELAB_NO_SUBNET, REUSELAB_PROBE_BUILD, REUSELAB_DEMO_FAILED (a service did not tell its story, e.g. a bind
 *   failed), REUSELAB_TIMEOUT (options.timeoutMs), REUSELAB_INTERRUPTED (options.signal aborted;
 *   without a signal, SIGINT or SIGTERM during the demo: the handlers exist only while it runs, and
 *   the caller decides what to do after the rejection, e.g. exit 130). Compose's own errors (a failed
 *   build, a refused network) are rethrown as they come, after the teardown.
 * - Prints nothing; formatHijackDemo() (hijack-demo-report.ts) turns the result into text.
 */
import "../backend/docker/testcontainers-env";
import { findSystemTool } from "../system-tools";
import type Docker from "dockerode";
import { spawnSync } from "node:child_process";
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment } from "testcontainers";
import { removeLabelled, removeLeftovers } from "../backend/docker/cleanup";
import { connectEngine } from "../backend/docker/engine";
import { HOST_LABEL, labLabels, PID_LABEL, RUN_LABEL, START_LABEL } from "../backend/docker/labels";
import { buildProbeBinary } from "../backend/docker/probe-image";
import { PACKAGE_ROOT } from "../package-root";
import { LabError } from "../errors";
import { readContainerLog } from "./container-log";
import { claimDemoSubnet, isSubnetClash } from "./demo-subnet";
import { tallyClient, tallyServer, type ServerTally } from "./hijack-demo-logs";
import { stopSignal, unlessStopped } from "../interruption";
import { ignored } from "../debug-log";

export const COMPOSE_FILE = "compose.yaml";
const PROJECT_LABEL = "com.docker.compose.project";
const SERVICE_LABEL = "com.docker.compose.service";
/** Compose cannot be cancelled half-way: after an interrupt, how long its `up` may go on before the sweep. */
const UP_SETTLE_MS = 60_000;
/** The whole demo's bound: a build and `up` took 52–74 s on a loaded 2-core machine, so 60 s was a deadline, not a bound. */
const DEMO_BOUND_MS = 300_000;
const SUBNET_ATTEMPTS = 3;

export interface HijackDemoOptions {
  /** Requests the client sends, one every 200 ms (1 to 1000; default 10). */
  requests?: number;
  /** The whole demo, teardown excluded (default 300 000 ms; Infinity: no deadline). */
  timeoutMs?: number;
  /** Aborting it stops the demo, tears it down, and rejects with REUSELAB_INTERRUPTED. */
  signal?: AbortSignal;
  /** A standalone compose executable: `docker-compose` v1 (default) or a v2 binary. */
  compose?: string;
}

export interface HijackDemoResult {
  /** The compose project, e.g. reuselab-hijack-m3x0k2-4242-1. */
  project: string;
  /** The compose binary's own words, e.g. "docker-compose version 1.29.2, build unknown". */
  compose: string;
  subnet: string;
  victimIp: string;
  /** What the client was told to send, and what it sent. */
  requests: number;
  sent: number;
  answeredByAttacker: number;
  answeredByVictim: number;
  unanswered: number;
  /** Each service's own account: its uid, what it bound, how many requests it answered. */
  victim: ServerTally;
  attacker: ServerTally;
  clientUid?: number;
  /** The client's log, line by line, for a reader who wants the whole story. */
  clientLog: string[];
  durationMs: number;
}

export async function runHijackDemo(options: HijackDemoOptions = {}): Promise<HijackDemoResult> {
  const began = Date.now();
  const requests = options.requests ?? 10;
  const timeoutMs = options.timeoutMs ?? DEMO_BOUND_MS;
  if (!Number.isInteger(requests) || requests < 1 || requests > 1000)
    throw new LabError("REUSELAB_BAD_ARGS", `requests must be a whole number from 1 to 1000, not ${requests}`);
  if (!(timeoutMs > 0)) throw new LabError("REUSELAB_BAD_ARGS", `timeoutMs must be positive, not ${timeoutMs}`);
  const composeBin = options.compose ?? findSystemTool("docker-compose") ?? "docker-compose";
  const compose = composeVersion(composeBin);
  const docker = await connectEngine();
  await removeLeftovers(docker);
  buildProbeBinary();

  using stop = stopSignal("the hijack demo", options.signal, timeoutMs);
  for (let attempt = 1; ; attempt++) {
    const net = await claimDemoSubnet(docker);
    const project = `reuselab-hijack-${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    try {
      const run = await runProject(
        docker,
        { project, composeBin, requests, subnet: net.subnet, victimIp: net.victimIp },
        stop.signal,
      );
      return {
        project,
        compose,
        subnet: net.subnet,
        victimIp: net.victimIp,
        requests,
        ...run,
        durationMs: Date.now() - began,
      };
    } catch (e) {
      // Another process took the /24 between the look and compose's network create: take another.
      if (attempt >= SUBNET_ATTEMPTS || !isSubnetClash(e) || stop.signal.aborted) throw e;
    } finally {
      net.release();
    }
  }
}

interface ProjectSpec {
  project: string;
  composeBin: string;
  requests: number;
  subnet: string;
  victimIp: string;
}

type RunCounts = Omit<HijackDemoResult, "project" | "compose" | "subnet" | "victimIp" | "requests" | "durationMs">;

/** One compose project, up to down: whatever happens in between, nothing of it is left. */
async function runProject(docker: Docker, spec: ProjectSpec, signal: AbortSignal): Promise<RunCounts> {
  const labels = labLabels(spec.project);
  const env = new DockerComposeEnvironment(PACKAGE_ROOT, COMPOSE_FILE)
    .withProjectName(spec.project)
    .withClientOptions({ executable: { standalone: true, executablePath: spec.composeBin } })
    .withBuild()
    .withAutoCleanup(false)
    .withEnvironment({
      REUSELAB_DEMO_SUBNET: spec.subnet,
      REUSELAB_DEMO_VICTIM_IP: spec.victimIp,
      REUSELAB_DEMO_REQUESTS: String(spec.requests),
      // The lab's ownership labels: a later lab run removes what a killed demo left (cleanup.ts).
      REUSELAB_RUN: labels[RUN_LABEL]!,
      REUSELAB_HOST: labels[HOST_LABEL]!,
      REUSELAB_PID: labels[PID_LABEL]!,
      REUSELAB_PIDSTART: labels[START_LABEL]!,
    });
  const upping = env.up();
  try {
    await unlessStopped(upping, signal);
    const client = docker.getContainer(await serviceContainer(docker, spec.project, "client"));
    const { StatusCode } = (await unlessStopped(client.wait(), signal)) as { StatusCode: number };
    const [clientLog, victimLog, attackerLog] = await Promise.all(
      ["client", "victim", "attacker"].map(async (s) =>
        readContainerLog(docker.getContainer(await serviceContainer(docker, spec.project, s))),
      ),
    );
    const tally = tallyClient(clientLog!);
    const victim = tallyServer("victim", victimLog!);
    const attacker = tallyServer("attacker", attackerLog!);
    if (StatusCode !== 0 || !tally.finished || !victim.bound || !attacker.bound) {
      const logs = [...victimLog!, ...attackerLog!, ...clientLog!].map((l) => `  ${l}`).join("\n");
      throw new LabError(
        "REUSELAB_DEMO_FAILED",
        `the hijack demo's client exited with ${StatusCode}${tally.finished ? "" : " before its last line"}; the services' logs:\n${logs}`,
      );
    }
    const { attacker: byAttacker = 0, victim: byVictim = 0, ...others } = tally.answeredBy;
    if (Object.keys(others).length)
      throw new LabError("REUSELAB_DEMO_FAILED", `answers from no service of the demo: ${JSON.stringify(others)}`);
    return {
      sent: tally.sent,
      answeredByAttacker: byAttacker,
      answeredByVictim: byVictim,
      unanswered: tally.unanswered,
      victim,
      attacker,
      clientUid: tally.uid,
      clientLog: clientLog!,
    };
  } finally {
    await tearDown(docker, spec.project, upping);
  }
}

/** `compose down`, then a sweep by the project's label for what down did not remove or never knew of. */
async function tearDown(
  docker: Docker,
  project: string,
  upping: Promise<StartedDockerComposeEnvironment>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((r) => (timer = setTimeout(r, UP_SETTLE_MS, undefined)));
  // An interrupted `up` is still creating containers: let it finish, or they would outlive the sweep.
  const started = await Promise.race([upping.catch(ignored("demo/compose-up")), gaveUp]).finally(() =>
    clearTimeout(timer),
  );
  await started?.down({ timeout: 0, removeVolumes: true }).catch(ignored("demo/compose-down"));
  await removeLabelled(docker, `${PROJECT_LABEL}=${project}`);
}

async function serviceContainer(docker: Docker, project: string, service: string): Promise<string> {
  const [found] = await docker.listContainers({
    all: true,
    filters: { label: [`${PROJECT_LABEL}=${project}`, `${SERVICE_LABEL}=${service}`] },
  });
  if (!found) throw new LabError("REUSELAB_DEMO_FAILED", `compose project ${project} has no '${service}' container`);
  return found.Id;
}

function composeVersion(bin: string): string {
  const r = spawnSync(bin, ["version"], { encoding: "utf8", timeout: 30_000 });
  const first = `${r.stdout ?? ""}`.split("\n")[0]?.trim();
  if (r.error || r.status !== 0 || !first) {
    throw new LabError(
      "REUSELAB_NO_COMPOSE",
      `'${bin} version' ${r.error ? `failed: ${r.error.message}` : `exited with ${r.status}`}. The demo needs a standalone compose: run 'bash lab/bootstrap/bootstrap.sh compose' (Debian's docker-compose v1), or give a v2 binary (lab/demo/fetch-compose-v2.sh fetches one).`,
    );
  }
  return first;
}
