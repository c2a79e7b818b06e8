// The run's ledger (lab/run/ledger.ts) over a fake lab whose probes answer `ledger` from counters the
// test sets: when UDP and TCP settle, what keeps them from it, and how a namespace is read. The tests
// that read the debug log are serial: REUSELAB_DEBUG is the thread's.
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StartedLab } from "../../lab/backend/backend";
import { Ledger } from "../../lab/run/ledger";
import type { ProbeReply } from "../../lab/probe/protocol";
import { caseOf, FakeBackend } from "./fake-lab";

interface Counters {
  udp_out: number;
  udp_in: number;
  udp_noports: number;
  udp_errors: number;
  cookies_open: number;
  /** What each "ledger states" reading finds, in turn; the last one stays. */
  opening: number[];
}
const zero = (): Counters => ({ udp_out: 0, udp_in: 0, udp_noports: 0, udp_errors: 0, cookies_open: 0, opening: [0] });

/** Two namespaces: server's (server, helper) and client's; `dead` actors' probes are gone. */
function world(dead: string[] = []) {
  const ns: Record<string, Counters> = { server: zero(), client: zero() };
  const home: Record<string, string> = { server: "server", helper: "server", client: "client" };
  const asked: string[] = [];
  const backend = new FakeBackend((actor, words): Partial<ProbeReply> => {
    asked.push(`${actor}: ${words.join(" ")}`);
    if (dead.includes(actor)) throw new Error(`${actor}: the probe has exited`);
    const c = ns[home[actor]!]!;
    const { opening, ...counters } = c;
    const states = words[1] === "states" ? { tcp_opening: opening.length > 1 ? opening.shift()! : opening[0]! } : {};
    return { ret: 0, errno: null, ...counters, ...states };
  });
  return { ns, asked, backend };
}

const variant = (send = "$server:7000") =>
  caseOf(
    "l",
    `schemaVersion: 1
title: t
rule: r
source: s
actors: { server: { uid: 1000 }, helper: { uid: 1000, netns: server }, client: { uid: 1000 } }
steps:
  - server: bind udp 0.0.0.0:7000 => ok
  - client: socket udp v4
  - client: send 5 to ${send} => 5
  - server: recv => 5
`,
  ).variants[0]!;

async function open(w: ReturnType<typeof world>, v = variant()): Promise<Ledger | undefined> {
  const spec = { runId: "l", actors: v.actors, namespaces: v.namespaces };
  const lab: StartedLab = await w.backend.start(spec, { id: "host", release: "6.18" });
  return Ledger.open(lab, v);
}

test("UDP settles when every datagram sent in the run was read, refused or dropped, over all namespaces", async (t) => {
  const w = world();
  // Before the run: a datagram that was never read (its socket closed), and one more read than sent
  // (multicast): neither is the run's, so neither counts.
  w.ns.client!.udp_out = 7;
  w.ns.server!.udp_in = 3;
  const ledger = (await open(w))!;
  t.true(await ledger.settle("udp"), "nothing sent yet");
  w.ns.client!.udp_out += 5;
  t.false(await ledger.settle("udp"), "5 sent, none arrived");
  w.ns.server!.udp_in += 2;
  w.ns.server!.udp_errors += 1;
  t.false(await ledger.settle("udp"), "2 read, 1 dropped, 2 still queued or on their way");
  w.ns.server!.udp_noports += 1;
  t.false(await ledger.settle("udp"), "1 on its way still");
  w.ns.server!.udp_in += 1;
  t.true(await ledger.settle("udp"));
  w.ns.server!.udp_in += 1;
  t.false(await ledger.settle("udp"), "more arrived than were sent: the counters are not the run's alone");
});

test("UDP never settles in a run that sends to a multicast group", async (t) => {
  const w = world();
  const ledger = (await open(w, variant("239.1.2.3:7000")))!;
  t.false(await ledger.settle("udp"));
  t.false(await ledger.settle("udp"));
});

test("TCP settles after two rounds with no socket in a handshake and every SYN cookie answered", async (t) => {
  const w = world();
  w.ns.server!.cookies_open = 4; // an earlier run's cookies that never came back
  const ledger = (await open(w))!;
  t.true(await ledger.settle("tcp"));
  const readings = w.asked.filter((a) => a.endsWith("ledger states"));
  t.deepEqual(readings, [
    "server: ledger states",
    "client: ledger states",
    "server: ledger states",
    "client: ledger states",
  ]);
  w.ns.server!.cookies_open += 1;
  t.false(await ledger.settle("tcp"), "a cookie sent in the run has not come back");
  w.ns.server!.cookies_open -= 1;
  w.ns.client!.opening = [1];
  t.false(await ledger.settle("tcp"), "a client in SYN_SENT");
});

test("TCP: a handshake seen only by the second round keeps it unsettled", async (t) => {
  const w = world();
  const ledger = (await open(w))!;
  // The first round misses it (it moved between the two namespaces' readings); the second finds the server's request socket.
  w.ns.server!.opening = [0, 1, 0];
  t.false(await ledger.settle("tcp"));
});

test("a namespace is read by any of its actors whose probe answers", async (t) => {
  const w = world(["server"]);
  const ledger = (await open(w))!;
  t.true(await ledger.settle("udp"));
  t.true(w.asked.includes("helper: ledger"), w.asked.join("\n"));
});

test("no ledger when a namespace has no probe left to read it: every step keeps its timer", async (t) => {
  t.is(await open(world(["client"])), undefined);
});

test("a namespace that cannot be read later leaves the steps on their timers", async (t) => {
  const dead: string[] = [];
  const w = world(dead);
  const ledger = (await open(w))!;
  dead.push("client");
  t.false(await ledger.settle("udp"));
  t.false(await ledger.settle("tcp"));
});

test("a run with a group's counting step: the ledger opens, and its members' steps send nothing to many", async (t) => {
  const w = world();
  const v = caseOf(
    "g",
    `schemaVersion: 1
title: t
rule: r
source: s
actors: { server: { uid: 1000 }, helper: { uid: 1000, netns: server }, client: { uid: 1000 } }
groups: { both: [server, helper] }
steps:
  - server: bind udp 0.0.0.0:7000 reuseport => ok
  - helper: bind udp 0.0.0.0:7000 reuseport => ok
  - client: socket udp v4
  - client: send 5 to $server:7000 => 5
  - both: recv => total 5
`,
  ).variants[0]!;
  const ledger = (await open(w, v))!;
  w.ns.client!.udp_out = 5;
  w.ns.server!.udp_in = 5;
  t.true(await ledger.settle("udp"));
});

test.serial("what keeps it open is in the debug log (REUSELAB_DEBUG)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-ledger-debug-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, "debug.log");
  const before = process.env.REUSELAB_DEBUG;
  process.env.REUSELAB_DEBUG = log;
  t.teardown(() => (before === undefined ? delete process.env.REUSELAB_DEBUG : (process.env.REUSELAB_DEBUG = before)));
  const dead: string[] = [];
  const w = world(dead);
  const ledger = (await open(w))!;
  t.true(await ledger.settle("udp"));
  t.true(await ledger.settle("tcp"));
  t.false(existsSync(log), "nothing is said when it closes");
  w.ns.client!.udp_out = 5;
  w.ns.server!.udp_in = 2;
  t.false(await ledger.settle("udp"));
  w.ns.server!.cookies_open = 1;
  w.ns.client!.opening = [2];
  t.false(await ledger.settle("tcp"));
  dead.push("client");
  t.false(await ledger.settle("udp"));
  const lines = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace(/^\S+ /, ""));
  t.deepEqual(lines, [
    "reuselab run/ledger: udp: 5 sent in the run, 2 read, refused or dropped",
    "reuselab run/ledger: tcp: 2 socket(s) in a handshake, 1 SYN cookie(s) unanswered",
    "reuselab run/ledger: Error: client: the probe has exited",
  ]);
});

test.serial("a reply without the counters is no reading, and says so in the debug log", async (t) => {
  const backend = new FakeBackend(() => ({ ret: 0, errno: null, udp_out: 1 }));
  const v = variant();
  const lab = await backend.start(
    { runId: "l", actors: v.actors, namespaces: v.namespaces },
    { id: "host", release: "6.18" },
  );
  const dir = mkdtempSync(join(tmpdir(), "reuselab-ledger-debug-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const before = process.env.REUSELAB_DEBUG;
  process.env.REUSELAB_DEBUG = join(dir, "debug.log");
  try {
    t.is(await Ledger.open(lab, v), undefined);
  } finally {
    if (before === undefined) delete process.env.REUSELAB_DEBUG;
    else process.env.REUSELAB_DEBUG = before;
  }
  t.regex(readFileSync(join(dir, "debug.log"), "utf8"), / reuselab run\/ledger: server: ledger: a field is missing\n/);
});
