// clean: what killed runs left goes, what a live run holds stays. The "killed run" is a process that
// has ended; the live one is this test's own process.
import test from "ava";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "../../lab/backend/docker/engine";
import { ensureProbeImage } from "../../lab/backend/docker/probe-image";
import { selfIdentity } from "../../lab/process-stat";
import { fakeEngine } from "../backend/fake-engine";
import { labHere } from "./helpers";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const netns = () => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
const exists = (kind: "container" | "network", id: string) =>
  spawnSync("docker", [kind, "inspect", id], { stdio: "ignore" }).status === 0;

/** Docker objects labelled as the lab labels them, for runner `pid`. */
function labObjects(
  image: string,
  session: string,
  pid: number,
  start: string,
): { container: string; network: string } {
  const labels = [
    `reuselab.run=${session}`,
    `reuselab.pid=${pid}`,
    `reuselab.pidstart=${start}`,
    `reuselab.host=${hostname()}`,
  ].flatMap((l) => ["--label", l]);
  return {
    container: docker("create", ...labels, "--network", "none", image),
    network: docker("network", "create", "--internal", ...labels, session),
  };
}

test("clean removes a killed run's containers, networks, namespaces and guest folders, and leaves a live run's", async (t) => {
  const image = await ensureProbeImage(await connectEngine());
  const dead = spawnSync("true").pid!; // a runner that has ended
  const live = selfIdentity();
  const tag = Date.now().toString(36);
  const gone = labObjects(image, `rl-cleantest-dead-${tag}`, dead, "1");
  const kept = labObjects(image, `rl-cleantest-live-${tag}`, live.pid, live.start);
  const [deadNs, liveNs] = [`rl-${dead}-1-0`, `rl-${live.pid}-9${tag}-0`];
  execFileSync("ip", ["netns", "add", deadNs]);
  execFileSync("ip", ["netns", "add", liveNs]);
  const deadVm = mkdtempSync(join(tmpdir(), `reuselab-vm-${dead}-`));
  const liveVm = mkdtempSync(join(tmpdir(), `reuselab-vm-${live.pid}-`));
  t.teardown(() => {
    spawnSync("docker", ["rm", "-f", kept.container, gone.container], { stdio: "ignore" });
    spawnSync("docker", ["network", "rm", kept.network, gone.network], { stdio: "ignore" });
    spawnSync("ip", ["netns", "del", liveNs], { stdio: "ignore" });
    spawnSync("ip", ["netns", "del", deadNs], { stdio: "ignore" });
    rmSync(liveVm, { recursive: true, force: true });
    rmSync(deadVm, { recursive: true, force: true });
  });

  const r = await labHere(["clean"]);
  t.is(r.code, 0, r.err);
  // Counts, not exact ones: a run of another test that starts now removes dead runners' objects too
  // (each backend does when it prepares), and clean also takes what other killed runs left.
  const counted =
    /^reuselab clean: removed (\d+) containers, (\d+) networks, (\d+) network namespaces, (\d+) guest VMs$/m.exec(
      r.out,
    );
  t.truthy(counted, r.out);
  t.true(counted!.slice(1).reduce((n, x) => n + Number(x), 0) >= 1, r.out);
  t.false(exists("container", gone.container), "the dead runner's container");
  t.false(exists("network", gone.network), "the dead runner's network");
  t.false(netns().includes(deadNs), "the dead runner's namespace");
  t.false(existsSync(deadVm), "the dead runner's guest folder");
  t.true(exists("container", kept.container), "the live runner's container");
  t.true(exists("network", kept.network), "the live runner's network");
  t.true(netns().includes(liveNs), "the live runner's namespace");
  t.true(existsSync(liveVm), "the live runner's guest folder");
});

test("clean with no engine answering says containers and networks were not checked, never 'nothing left'", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-fake-engine-"));
  const engine = await fakeEngine(dir, () => undefined); // accepts, reads, never answers
  t.teardown(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Its own process, and not spawnSync: the fake engine answers from this process's event loop.
  const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", "clean"], {
    env: { ...process.env, NO_COLOR: "1", DOCKER_HOST: engine.host, REUSELAB_ENGINE_TIMEOUT_MS: "1500" },
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const code = await new Promise<number | null>((r) => child.on("close", r));
  t.is(code, 0, out);
  t.notRegex(out, /nothing left/, out);
  t.regex(
    out,
    /^reuselab clean: removed \d+ network namespaces, \d+ guest VMs; containers and networks not checked \(below\)$/m,
    out,
  );
  const why = `not checked: containers and networks: no Docker engine answers at ${engine.host} (Docker engine at ${engine.host} did not answer "GET /_ping" within 1500 ms`;
  t.true(out.includes(why), out);
  t.deepEqual(engine.calls, ["GET /_ping"]);
});
