// The whole default catalogue, end to end on the docker backend and the host's kernel, once. The
// assertions are on what the kernel did (errnos, datagram counts, TCP states, timers), not only on
// "passed", and on the claims audit built from it.
import test from "ava";
import { DockerBackend } from "../../lab/backend/docker/docker-backend";
import { NetnsBackend } from "../../lab/backend/netns/netns-backend";
import { loadCatalogue } from "../../lab/case/load-cases";
import { allowlistFor } from "../../lab/case/known-bugs-file";
import type { LabEvent } from "../../lab/events/events";
import { oneBackend, runSession } from "../../lab/run/session";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { RunResult } from "../../lab/verdict/outcome";
import { labelled, step } from "./helpers";

let results: RunResult[] = [];
let netnsResults: RunResult[] = [];
let audit: ClaimAudit[] = [];
const events: LabEvent[] = [];
let session = "";
let allowed = new Set<string>();

test.before(async () => {
  await using backend = new DockerBackend();
  session = backend.runLabel;
  const catalogue = loadCatalogue(["cases"]);
  // The shipped allowlist, as `npm run lab` reads it: a regression case it names may be xfail.
  const end = await runSession(oneBackend(backend), {
    catalogue,
    allow: allowlistFor({}, catalogue, ["cases"]),
    reporters: [{ onEvent: (e) => void events.push(e) }],
  });
  allowed = new Set(end.runs.filter((r) => r.allowed).map((r) => r.id));
  ({ results, audit } = end.finished!);
  // The same catalogue on the netns backend (no containers): the measuring stick for docker.
  await using netns = new NetnsBackend();
  netnsResults = (await runSession(oneBackend(netns), { catalogue })).repetitions[0]!;
});

const run = (id: string) => results.find((r) => r.id === id);

test("every run of the default catalogue passes on the host kernel (or lacks a fix the shipped allowlist names); slow cases are not in it", (t) => {
  t.true(results.length >= 60, `${results.length} runs`);
  t.true(new Set(results.map((r) => r.case)).size >= 30);
  for (const r of results)
    t.is(
      r.outcome,
      r.outcome === "xfail" && allowed.has(r.id) ? "xfail" : "passed",
      `${r.id}: ${JSON.stringify(r.outcome === "failed" ? r.failures : r.outcome)}`,
    );
  t.false(results.some((r) => r.case.includes("timewait-gone-after-60-seconds")));
});

test("uid rule: another uid's SO_REUSEPORT bind gets EADDRINUSE (TCP, UDP, root either way); the same uid's succeeds", (t) => {
  const other = step(t, run("uid-rule/tcp-reuseport-needs-same-uid.other-uid@host"), "second", "bind");
  t.deepEqual(other.observed.trace, [
    "socket s1 tcp 4 = 3",
    "setsockopt s1 reuseport 1 = 0",
    "bind s1 0.0.0.0 8080 = -1 EADDRINUSE",
  ]);
  t.like(step(t, run("uid-rule/tcp-reuseport-needs-same-uid.same-uid@host"), "second", "bind").observed, {
    ret: 0,
    errno: null,
  });
  t.like(step(t, run("uid-rule/udp-reuseport-needs-same-uid.other-uid@host"), "second", "bind").observed, {
    errno: "EADDRINUSE",
  });
  t.like(step(t, run("uid-rule/root-has-no-bypass.root-first@host"), "second", "bind").observed, {
    errno: "EADDRINUSE",
  });
  t.like(step(t, run("uid-rule/socket-keeps-creator-uid.bound-as-root-then-dropped@host"), "other", "bind").observed, {
    errno: "EADDRINUSE",
  });
  t.like(step(t, run("uid-rule/socket-keeps-creator-uid.dropped-then-bound@host"), "other", "bind").observed, {
    errno: null,
  });
});

test("hijack: the specific-address attacker receives 20 of 20 datagrams, the wildcard victim none, even beside SO_REUSEPORT", (t) => {
  for (const id of [
    "hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@host",
    "hijack/udp-victim-with-both-options.attacker-reuseaddr@host",
  ]) {
    const r = run(id);
    t.is(step(t, r, "client", "send").observed.count, 20);
    t.is(step(t, r, "attacker", "recv").observed.count, 20);
    t.is(step(t, r, "victim", "recv").observed.count, 0);
  }
  const tcp = run("hijack/tcp-specific-beside-wildcard-listener.victim-wildcard@host");
  t.like(step(t, tcp, "attacker", "bind").observed, { errno: "EADDRINUSE" });
  t.is(step(t, tcp, "victim", "accept").observed.count, 10);
});

test("UDP SO_REUSEADDR: the socket bound last gets all 60 datagrams of three sources, in either order", (t) => {
  t.is(step(t, run("udp/reuseaddr-last-bound-takes-unicast.a-then-b@host"), "b", "recv").observed.count, 60);
  t.is(step(t, run("udp/reuseaddr-last-bound-takes-unicast.a-then-b@host"), "a", "recv").observed.count, 0);
  t.is(step(t, run("udp/reuseaddr-last-bound-takes-unicast.b-then-a@host"), "a", "recv").observed.count, 60);
});

test("multicast: every receiver counts all 10 datagrams, across namespaces and within a reuseport group", (t) => {
  const r = run("multicast/fan-out-to-every-netns.default@host");
  t.deepEqual(
    ["r1", "r2", "r3"].map((a) => step(t, r, a, "recv").observed.count),
    [10, 10, 10],
  );
  t.deepEqual(
    step(t, run("multicast/reuseport-members-all-get-copies.default@host"), "members", "recv").observed.counts,
    { m1: 10, m2: 10, m3: 10 },
  );
  t.is(
    step(t, run("multicast/unjoined-socket-receives-with-multicast-all.multicast-all-off@host"), "outsider", "recv")
      .observed.count,
    0,
  );
});

test("distribution: every datagram and connection is accounted for, spread fairly, and one 4-tuple stays on one socket", (t) => {
  const tcp = step(t, run("distribution/tcp-reuseport-spread.default@host"), "workers", "accept").observed;
  t.is(tcp.count, 200);
  t.is(
    Object.values(tcp.counts!).reduce((a, b) => a + b, 0),
    200,
  );
  t.true(tcp.fairness!.fair);
  const udp = step(t, run("distribution/udp-reuseport-spread.default@host"), "workers", "recv").observed;
  t.is(udp.count, 400);
  for (const n of [0, 1, 2]) {
    const counts = Object.values(
      step(t, run("distribution/udp-four-tuple-affinity.default@host"), "workers", "recv", n).observed.counts!,
    );
    t.deepEqual(
      counts.filter((c) => c !== 0),
      [50],
      `flow ${n} reached one socket`,
    );
  }
});

test("restart and TIME_WAIT: FIN_WAIT2 after a crash, TIME_WAIT on the active closer for at most 60 s", (t) => {
  const crash = run("restart/rebind-after-crash-with-live-connection.new-without-reuseaddr@host");
  t.like(step(t, crash, "old", "crash").observed.exit, { signal: "SIGKILL" });
  t.deepEqual(step(t, crash, "new", "tcp-states").observed.states, { FIN_WAIT2: 1 });
  t.like(step(t, crash, "client", "connect", 1).observed, { errno: "ECONNREFUSED" });
  t.deepEqual(
    step(t, run("timewait/active-closer-enters-timewait.client-closes-first@host"), "client", "tcp-states").observed
      .states,
    { TIME_WAIT: 1 },
  );
  const left = step(t, run("timewait/timewait-lasts-60-seconds.default@host"), "server", "tcp-timer").observed.count!;
  t.true(left > 50_000 && left <= 60_000, `${left} ms left`);
  t.like(step(t, run("timewait/rebind-over-timewait.neither@host"), "new", "bind").observed, { errno: "EADDRINUSE" });
  t.like(step(t, run("timewait/rebind-over-timewait.both@host"), "new", "bind").observed, { errno: null });
});

test("sysctls and rolling restart: tw_recycle is gone, migrate_req decides whether 8 queued connections survive", (t) => {
  t.like(step(t, run("sysctl/tcp-tw-recycle-does-not-exist.default@host"), "a", "sysctl").observed, {
    errno: "ENOENT",
  });
  t.true(
    step(t, run("sysctl/tcp-fin-timeout-does-not-shorten-timewait.default@host"), "server", "tcp-timer", 0).observed
      .count! <= 5000,
  );
  t.deepEqual(
    step(t, run("rolling-restart/close-listener-with-queued-connections.migrate-off@host"), "client", "tcp-states")
      .observed.states,
    {},
  );
  t.is(
    step(t, run("rolling-restart/close-listener-with-queued-connections.migrate-on@host"), "new", "accept").observed
      .count,
    8,
  );
});

test("the claims audit: nothing untested, and every refuted claim rests on passing runs that name it", (t) => {
  t.true(audit.length >= 25);
  t.deepEqual(
    audit.filter((a) => a.verdicts.host === "untested").map((a) => a.id),
    [],
  );
  const refuted = audit.filter((a) => a.verdicts.host === "refuted");
  t.true(refuted.length >= 5, `${refuted.length} refuted`);
  for (const a of refuted) {
    t.true(a.evidence.length > 0);
    for (const id of a.evidence) {
      t.is(run(id)?.outcome, "passed", `${a.id}: evidence ${id}`);
      t.is(a.relations[id], "refutes");
    }
  }
  t.is(audit.find((a) => a.id === "udp-reuseaddr-random-delivery")?.verdicts.host, "refuted");
  t.is(audit.find((a) => a.id === "reuseport-kernel-enforces-uid")?.verdicts.host, "confirmed");
});

test("events: one run-started and one run-finished per run, step events in file order", (t) => {
  t.is(events.filter((e) => e.type === "run-started").length, results.length);
  t.is(events.filter((e) => e.type === "run-finished").length, results.length);
  const lines = events.flatMap((e) =>
    e.type === "step-finished" && e.run.id.startsWith("multicast/fan-out") ? [e.step.line] : [],
  );
  t.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});

test("the netns backend gives the docker backend's verdicts, run by run and step by step", (t) => {
  t.is(netnsResults.length, results.length);
  for (const r of results) {
    const n = netnsResults.find((x) => x.id === r.id);
    t.is(n?.outcome, r.outcome, r.id);
    t.deepEqual(
      n?.steps.map((s) => [s.line, s.expected, s.ok]),
      r.steps.map((s) => [s.line, s.expected, s.ok]),
      r.id,
    );
  }
});

test("nothing of the session is left in Docker", (t) => {
  t.deepEqual(labelled(`reuselab.run=${session}`), { containers: 0, networks: 0 });
});
