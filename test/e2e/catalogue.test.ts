// The four foundation cases, end to end on the docker backend and the host's kernel: the assertions
// are on what the kernel did (errnos, datagram counts, TCP states), not only on "passed".
import test from "ava";
import { DockerBackend } from "../../lab/backend/docker/docker-backend";
import { loadCases } from "../../lab/case/load-cases";
import { EventBus, type LabEvent } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { runAll } from "../../lab/run/runner";
import type { RunResult } from "../../lab/verdict/outcome";
import { labelled, step } from "./helpers";

let results: RunResult[] = [];
const events: LabEvent[] = [];
let session = "";

test.before(async () => {
  await using backend = new DockerBackend();
  session = backend.session;
  const prepared = await backend.prepare();
  const runs = plan(loadCases(["cases/uid-rule", "cases/hijack", "cases/multicast", "cases/restart"]), prepared.kernels);
  const bus = new EventBus().add({ onEvent: (e) => events.push(e) });
  results = await runAll(runs, backend, bus, prepared.kernels, { jobs: 2 });
});

const run = (id: string) => results.find((r) => r.id === id);

test("every run of the four cases passes, on the host kernel", (t) => {
  t.is(results.length, 7);
  for (const r of results) t.is(r.outcome, "passed", `${r.id}: ${JSON.stringify(r.outcome === "failed" ? r.failures : r.outcome)}`);
  t.true(results.every((r) => r.id.endsWith("@host")));
});

test("uid rule: a uid-1001 SO_REUSEPORT bind beside a uid-1000 listener gets EADDRINUSE; uid 1000 succeeds", (t) => {
  const other = step(t, run("uid-rule/tcp-reuseport-needs-same-uid.other-uid@host"), "second", "bind");
  t.like(other.observed, { ret: -1, errno: "EADDRINUSE" });
  t.deepEqual(other.observed.trace, ["socket s1 tcp 4 = 3", "setsockopt s1 reuseport 1 = 0", "bind s1 0.0.0.0 8080 = -1 EADDRINUSE"]);
  const same = step(t, run("uid-rule/tcp-reuseport-needs-same-uid.same-uid@host"), "second", "bind");
  t.like(same.observed, { ret: 0, errno: null });
});

test("hijack: the specific-address attacker receives 20 of 20 datagrams, the wildcard victim none", (t) => {
  const r = run("hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host");
  t.like(step(t, r, "attacker", "bind").observed, { ret: 0, errno: null });
  t.is(step(t, r, "client", "send").observed.count, 20);
  t.is(step(t, r, "attacker", "recv").observed.count, 20);
  t.is(step(t, r, "victim", "recv").observed.count, 0);
  const plain = run("hijack/udp-specific-address-steals-unicast.attacker-plain@host");
  t.like(step(t, plain, "attacker", "bind").observed, { errno: "EADDRINUSE" });
  t.is(step(t, plain, "victim", "recv").observed.count, 20);
  t.is(step(t, plain, "attacker", "recv").observed.count, 0);
});

test("multicast: three receivers in three namespaces each count all 10 datagrams", (t) => {
  const r = run("multicast/fan-out-to-every-netns.default@host");
  t.is(step(t, r, "sender", "send").observed.count, 10);
  t.deepEqual(["r1", "r2", "r3"].map((a) => step(t, r, a, "recv").observed.count), [10, 10, 10]);
});

test("restart: after SIGKILL the orphan is in FIN_WAIT2; only a SO_REUSEADDR socket rebinds and serves", (t) => {
  for (const variant of ["new-with-reuseaddr", "new-without-reuseaddr"]) {
    const r = run(`restart/rebind-after-crash-with-live-connection.${variant}@host`);
    t.like(step(t, r, "old", "crash").observed.exit, { signal: "SIGKILL" });
    t.deepEqual(step(t, r, "new", "tcp-states").observed.states, { FIN_WAIT2: 1 });
    t.deepEqual(step(t, r, "client", "tcp-states").observed.states, { CLOSE_WAIT: 1 });
  }
  const withOpt = run("restart/rebind-after-crash-with-live-connection.new-with-reuseaddr@host");
  t.like(step(t, withOpt, "new", "bind").observed, { ret: 0, errno: null });
  t.like(step(t, withOpt, "client", "connect", 1).observed, { ret: 0, errno: null });
  const without = run("restart/rebind-after-crash-with-live-connection.new-without-reuseaddr@host");
  t.like(step(t, without, "new", "bind").observed, { ret: -1, errno: "EADDRINUSE" });
  t.like(step(t, without, "client", "connect", 1).observed, { ret: -1, errno: "ECONNREFUSED" });
});

test("events: one run-started and one run-finished per run, step events in file order", (t) => {
  t.is(events.filter((e) => e.type === "run-started").length, 7);
  t.is(events.filter((e) => e.type === "run-finished").length, 7);
  const lines = events.flatMap((e) => (e.type === "step-finished" && e.run.id.startsWith("multicast/") ? [e.step.line] : []));
  t.deepEqual(lines, [...lines].sort((a, b) => a - b));
  t.is(events.at(-1)?.type, "session-finished");
});

test("nothing of the session is left in Docker", (t) => {
  t.deepEqual(labelled(`reuselab.run=${session}`), { containers: 0, networks: 0 });
});
