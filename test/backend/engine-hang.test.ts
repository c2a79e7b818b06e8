// A Docker engine that stops answering (its socket open, no reply): the run ends with exit 2 and names
// the call, Ctrl-C ends it with 130, a second Ctrl-C during the cleanup at once. The lab talks to a
// fake engine of this test's own (fake-engine.ts) through DOCKER_HOST; the real engine must see nothing
// of these runs. Every wait is on the fake's word (a call held) or on the process's exit.
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelled, switches } from "../e2e/helpers";
import { answersPing, fakeEngine, type Answer, type FakeEngine } from "./fake-engine";

const CASE = "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml";
/** A bound no run here can reach: only a signal can end such a run. */
const NEVER_MS = "600000";

/** An engine with nothing in it, answering what a run asks before its first lab network. */
function emptyEngine(call: string): unknown {
  if (call === "GET /containers/json" || call === "GET /networks") return [];
  if (/^GET \/images\/[^/]+\/json$/.test(call)) return { Id: "sha256:fake" };
  return answersPing(call);
}

/** The calls of a run's prepare, which emptyEngine answers. */
const prepares = (call: string) =>
  call.endsWith(" /_ping") ||
  ["GET /version", "GET /containers/json", "GET /networks"].includes(call) ||
  /^GET \/images\/[^/]+\/json$/.test(call);

/**
 * Answers a ping and the calls of a run's prepare, holds the run's first call past it (the first
 * namespace's holder: as root its slot is a switch namespace, made without the engine), and then
 * (`stuck`) every call but a ping.
 */
const hangsInRun =
  (stuck: boolean): Answer =>
  (call, held) =>
    !prepares(call) || (stuck && held > 0) ? answersPing(call) : emptyEngine(call);

async function labOn(t: ExecutionContext, answer: Answer, timeoutMs: string, args = ["--cases", CASE, "--jobs", "1"]) {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-fake-engine-"));
  const engine: FakeEngine = await fakeEngine(dir, answer);
  t.teardown(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
    env: { ...process.env, NO_COLOR: "1", DOCKER_HOST: engine.host, REUSELAB_ENGINE_TIMEOUT_MS: timeoutMs },
  });
  t.teardown(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  // "close", not "exit": exit can come before the last of its output has been read.
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { engine, child, exited, output: () => out };
}

/** (d): the fake was asked, and the real engine holds nothing of the run. */
function realEngineUntouched(t: ExecutionContext, lab: Awaited<ReturnType<typeof labOn>>): void {
  t.true(
    lab.engine.calls.includes("GET /_ping"),
    `the lab never asked the fake engine: ${lab.engine.calls.join(", ")}`,
  );
  t.deepEqual(
    labelled(`reuselab.pid=${lab.child.pid}`),
    { containers: 0, networks: 0 },
    "the real engine has objects of this run",
  );
  t.deepEqual(switches(lab.child.pid!), [], "the run's switch namespace is left");
}

test("an engine that answers a ping and then nothing: exit 2, naming the call and the bound", async (t) => {
  const lab = await labOn(t, answersPing, "5000");
  t.is(await lab.exited, 2, lab.output());
  t.regex(
    lab.output(),
    new RegExp(`Docker engine at ${lab.engine.host} did not answer "GET /containers/json" within 5000 ms`),
    lab.output(),
  );
  realEngineUntouched(t, lab);
});

test("an engine that stops answering mid-run: exit 2, naming the call, and what may be left", async (t) => {
  const lab = await labOn(t, hangsInRun(true), "5000");
  t.is(await lab.exited, 2, lab.output());
  const first = lab.engine.calls.find((c) => !prepares(c))!;
  t.regex(lab.output(), new RegExp(`did not answer "${first}" within 5000 ms`), lab.output());
  t.regex(
    lab.output(),
    /may still be there \(containers and networks labelled reuselab\.run=rl-.*'reuselab clean' removes it/,
    lab.output(),
  );
  t.notRegex(lab.output(), /internal error/);
  realEngineUntouched(t, lab);
});

test("an engine that stops answering testcontainers' calls: exit 2, naming the call", async (t) => {
  // The lab network is made; the first container's start (testcontainers' own client) is held.
  const answer: Answer = (call, held) =>
    call === "POST /networks/create" ? { Id: "fake-network" } : held > 0 ? answersPing(call) : emptyEngine(call);
  const lab = await labOn(t, answer, "5000");
  t.is(await lab.exited, 2, lab.output());
  const first = lab.engine.calls.find(
    (c) =>
      ![
        "GET /_ping",
        "HEAD /_ping",
        "GET /version",
        "GET /containers/json",
        "GET /networks",
        "POST /networks/create",
      ].includes(c) && !c.startsWith("GET /images/"),
  );
  t.regex(
    lab.output(),
    new RegExp(`did not answer "${first}" within 5000 ms`),
    `${lab.engine.calls.join(", ")}\n${lab.output()}`,
  );
  t.notRegex(lab.output(), /container runtime strategy/);
  realEngineUntouched(t, lab);
});

test("Ctrl-C while the engine holds a call: exit 130 at once, not after the bound", async (t) => {
  const lab = await labOn(t, hangsInRun(false), NEVER_MS);
  t.false(prepares(await lab.engine.held()), "a call of the run is held");
  lab.child.kill("SIGINT");
  t.is(await lab.exited, 130, lab.output());
  t.regex(lab.output(), /interrupted; removing the lab's containers, namespaces and guests/);
  t.notRegex(lab.output(), /did not answer|internal error/, lab.output());
  realEngineUntouched(t, lab);
});

test("Ctrl-C while the engine holds a call during prepare: exit 130 with the message", async (t) => {
  const lab = await labOn(
    t,
    (call, held) => (call === "GET /containers/json" && held === 0 ? undefined : emptyEngine(call)),
    NEVER_MS,
  );
  t.is(await lab.engine.held(), "GET /containers/json");
  lab.child.kill("SIGINT");
  t.is(await lab.exited, 130, lab.output());
  t.regex(lab.output(), /interrupted; removing/);
  t.notRegex(lab.output(), /internal error/, lab.output());
  realEngineUntouched(t, lab);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`a second ${signal} while the cleanup waits on the engine: exit 130 at once, saying what may be left`, async (t) => {
    const lab = await labOn(t, hangsInRun(true), NEVER_MS);
    t.false(prepares(await lab.engine.held()), "a call of the run is held");
    lab.child.kill("SIGINT");
    t.is(await lab.engine.held(), "GET /containers/json", "the cleanup after Ctrl-C lists the run's containers");
    lab.child.kill(signal);
    t.is(await lab.exited, 130, lab.output());
    t.regex(
      lab.output(),
      /interrupted again: exiting without waiting for the cleanup; .* may still be there: 'reuselab clean' removes it/,
      lab.output(),
    );
    realEngineUntouched(t, lab);
  });
}

test("a bound that is not a number of milliseconds is bad input: exit 2, naming the variable", async (t) => {
  const lab = await labOn(t, emptyEngine, "soon");
  t.is(await lab.exited, 2, lab.output());
  t.regex(
    lab.output(),
    /REUSELAB_ENGINE_TIMEOUT_MS=soon is not a number of milliseconds: give a whole number above 0 \(the default is REUSELAB_ENGINE_TIMEOUT_MS=60000\)/,
    lab.output(),
  );
  t.notRegex(lab.output(), /no Docker engine answers/, "a bad bound is not a missing engine");
  t.false(
    lab.engine.calls.includes("GET /_ping"),
    `the lab asked the engine before checking its bound: ${lab.engine.calls.join(", ")}`,
  );
  t.deepEqual(labelled(`reuselab.pid=${lab.child.pid}`), { containers: 0, networks: 0 });
});
