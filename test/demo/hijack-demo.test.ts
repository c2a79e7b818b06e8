// The standing hijack demo for real: through runHijackDemo (testcontainers' DockerComposeEnvironment),
// twice at once, interrupted half-way; and compose.yaml straight from the compose CLIs, v1 (Debian's
// docker-compose) and v2 (trixie's, fetched into .cache/ by lab/demo/fetch-compose-v2.sh). One at a
// time (serial): the machine is a shared 2-core one, and the interrupt test can count every container
// of this process as the demo's.
import test, { type ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { connectEngine } from "../../lab/backend/docker/engine";
import { labLabels } from "../../lab/backend/docker/labels";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { PACKAGE_ROOT } from "../../lab/package-root";
import { claimDemoSubnet } from "../../lab/demo/demo-subnet";
import { runHijackDemo, type HijackDemoResult } from "../../lab/demo/hijack-demo";
import { LabError } from "../../lab/errors";
import { containersStarted, labelled } from "../e2e/helpers";

const run = promisify(execFile);
const N = 10;
// No deadline of the demo's own (timeoutMs: Infinity): on a loaded machine building and starting take
// what they take; ava's timeout is the bound.

function assertHijacked(t: ExecutionContext, r: HijackDemoResult, requests = N): void {
  t.is(r.sent, requests, r.clientLog.join("\n"));
  t.is(r.answeredByAttacker, requests, "the attacker answered every request");
  t.is(r.answeredByVictim, 0, "the victim answered none");
  t.is(r.unanswered, 0);
  // The services' own accounts agree with the client's.
  t.like(r.attacker, { uid: 1001, bound: `${r.victimIp}:5353`, reuseaddr: true, answered: requests });
  t.like(r.victim, { uid: 1000, bound: "0.0.0.0:5353", reuseaddr: true, answered: 0 });
  t.is(r.clientUid, 1002);
}

function assertGone(t: ExecutionContext, project: string): void {
  t.deepEqual(
    labelled(`com.docker.compose.project=${project}`),
    { containers: 0, networks: 0 },
    `nothing of ${project} remains`,
  );
}

test.serial(
  "runHijackDemo: the attacker answers all the requests, the victim none, and nothing of the demo remains",
  async (t) => {
    const r = await runHijackDemo({ requests: N, timeoutMs: Infinity });
    assertHijacked(t, r);
    t.regex(r.compose, /1\.29\./, "Debian's compose v1 by default");
    t.log(`${r.project}: ${r.durationMs} ms`);
    assertGone(t, r.project);
  },
);

test.serial("two demos at once, each on its own project and network", async (t) => {
  const [a, b] = await Promise.all([
    runHijackDemo({ requests: 5, timeoutMs: Infinity }),
    runHijackDemo({ requests: 5, timeoutMs: Infinity }),
  ]);
  assertHijacked(t, a!, 5);
  assertHijacked(t, b!, 5);
  t.not(a!.project, b!.project);
  t.not(a!.subnet, b!.subnet);
  assertGone(t, a!.project);
  assertGone(t, b!.project);
});

test.serial(
  "interrupted half-way (the caller's AbortSignal), the demo is torn down and rejects with REUSELAB_INTERRUPTED",
  async (t) => {
    const before = labelled("reuselab.demo=hijack");
    const stop = new AbortController();
    const since = Date.now() / 1000;
    const demo = runHijackDemo({ requests: 50, signal: stop.signal, timeoutMs: Infinity });
    // Abort once a container of the demo has started (the engine's events say when): compose is between
    // its up and the client's last request. Serial, so every container of this process is the demo's.
    containersStarted(
      `reuselab.pid=${process.pid}`,
      1,
      since,
      demo.catch(() => undefined),
      () => "",
    ).then(
      () => stop.abort(),
      () => undefined, // the demo ended first: the assertions below say how
    );
    const e = await t.throwsAsync(demo, { instanceOf: LabError });
    t.is((e as LabError).code, "REUSELAB_INTERRUPTED");
    t.true(stop.signal.aborted, "the abort, not the demo's end, stopped it");
    const after = labelled("reuselab.demo=hijack");
    t.true(
      after.containers <= before.containers && after.networks <= before.networks,
      `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    );
  },
);

test("a bad request count is refused before anything starts", async (t) => {
  const e = await t.throwsAsync(runHijackDemo({ requests: 0 }), { instanceOf: LabError });
  t.is((e as LabError).code, "REUSELAB_BAD_ARGS");
});

/** compose.yaml from a compose CLI: up until the client exits, then down. */
async function composeUp(t: ExecutionContext, bin: string): Promise<void> {
  buildProbeBinary();
  const docker = await connectEngine();
  const net = await claimDemoSubnet(docker);
  const project = `reuselab-hijack-cli-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const labels = labLabels(project);
  const env = {
    ...process.env,
    REUSELAB_DEMO_SUBNET: net.subnet,
    REUSELAB_DEMO_VICTIM_IP: net.victimIp,
    REUSELAB_DEMO_REQUESTS: String(N),
    REUSELAB_RUN: labels["reuselab.run"],
    REUSELAB_HOST: labels["reuselab.host"],
    REUSELAB_PID: labels["reuselab.pid"],
    REUSELAB_PIDSTART: labels["reuselab.pidstart"],
  };
  // No timeout: on a loaded machine a build and up take what they take; ava's timeout is the bound.
  const compose = (args: string[]) =>
    run(bin, ["--ansi", "never", "-p", project, "-f", join(PACKAGE_ROOT, "compose.yaml"), ...args], {
      env,
      cwd: PACKAGE_ROOT,
      maxBuffer: 16 << 20,
    });
  const began = Date.now();
  try {
    await compose(["config", "-q"]);
    // --exit-code-from: up ends when the client does (and stops the others), with the client's status.
    const { stdout } = await compose(["up", "--build", "--exit-code-from", "client"]);
    const answers = stdout
      .split("\n")
      .filter((l) => /client.*\| client: request \d+\/\d+ answered by attacker$/.test(l));
    t.is(answers.length, N, stdout);
    t.notRegex(stdout, /answered by victim/);
    t.regex(stdout, /attacker: uid 1001 bound udp 10\.214\.\d+\.10:5353 with SO_REUSEADDR/);
    t.log(`${bin}: up to the client's exit in ${Date.now() - began} ms`);
  } finally {
    await compose(["down", "-v", "-t", "0"]).catch((e: Error) => t.log(`down: ${e.message}`));
    net.release();
  }
  assertGone(t, project);
}

test.serial("docker-compose (v1) up: the client's log shows the attacker's answers; down leaves nothing", async (t) => {
  await composeUp(t, "docker-compose");
});

test.serial("compose v2 up: the same compose.yaml, the same answers; down leaves nothing", async (t) => {
  const fetched = await run("bash", [join(PACKAGE_ROOT, "lab/demo/fetch-compose-v2.sh")]).catch(
    (e: Error & { stderr?: string }) => {
      throw new Error(
        `compose v2 could not be fetched (lab/demo/fetch-compose-v2.sh needs deb.debian.org): ${e.stderr ?? e.message}`,
      );
    },
  );
  const bin = fetched.stdout.trim();
  t.regex((await run(bin, ["version", "--short"])).stdout, /^v?2\./);
  await composeUp(t, bin);
});
