// `probe enter NETNS UID CAPS …` (images/probe/enter.c) must leave an actor exactly as nsenter and
// setpriv left it: the same namespace, uids, gids, groups, capability sets and no_new_privs, for a user
// uid and for root with and without capabilities. Both are started side by side in one namespace and
// their /proc/PID/status compared. Root only (it makes a namespace and changes uids).
import test, { type ExecutionContext } from "ava";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";
import { systemTool } from "../../lab/system-tools";

const NETNS = `rl-enter-test-${process.pid}`;
const PROBE = buildProbeBinary();
/** What says who a process is: the rest of /proc/PID/status (memory, pids, timings) differs anyway. */
const IDENTITY = /^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):/;

test.before(() => {
  const r = spawnSync(systemTool("ip", "iproute2"), ["netns", "add", NETNS], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip netns add ${NETNS}: ${r.stderr}`);
});
test.after.always(() => spawnSync(systemTool("ip", "iproute2"), ["netns", "del", NETNS]));

/** Starts a probe with `argv`, waits for its hello (it is the probe by then) and reads who it is. */
async function identity(
  t: ExecutionContext,
  argv: string[],
): Promise<{ netns: string; status: string[]; uid: unknown }> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  t.teardown(() => child.kill("SIGKILL"));
  const session = new ProbeSession(argv.join(" "), child.stdin, child.stdout, child.stderr);
  const hello = await session.call(["hello"]);
  const pid = Number(hello.pid);
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .filter((l) => IDENTITY.test(l));
  const netns = readlinkSync(`/proc/${pid}/ns/net`);
  child.stdin.end();
  return { netns, status, uid: hello.uid };
}

const setpriv = (uid: number, caps: string[]) => [
  systemTool("nsenter", "util-linux"),
  `--net=/run/netns/${NETNS}`,
  "--",
  systemTool("setpriv", "util-linux"),
  `--reuid=${uid}`,
  `--regid=${uid}`,
  "--clear-groups",
  `--bounding-set=${["-all", ...caps.map((c) => `+${c}`)].join(",")}`,
  "--no-new-privs",
  "--",
  PROBE,
];
const enter = (uid: number, caps: string[]) => [
  PROBE,
  "enter",
  `/run/netns/${NETNS}`,
  String(uid),
  caps.length ? caps.join(",") : "-",
  "no-new-privs",
];

for (const [uid, caps] of [
  [1000, []],
  [1000, ["net_admin"]],
  [0, []],
  [0, ["net_admin", "net_bind_service"]],
  [0, ["setuid", "setgid"]],
] as const) {
  test(`uid ${uid}, capabilities ${caps.join(",") || "none"}: the same actor as nsenter + setpriv made`, async (t) => {
    const before = await identity(t, setpriv(uid, [...caps]));
    const now = await identity(t, enter(uid, [...caps]));
    t.is(now.uid, uid);
    t.is(now.netns, before.netns, "in the same namespace");
    t.not(now.netns, readlinkSync("/proc/self/ns/net"), "not in the runner's namespace");
    t.deepEqual(now.status, before.status);
    t.is(now.status.length, 10, "every identity line was read");
  });
}

test("the capabilities kept are exactly those named: root keeps net_admin and net_bind_service only", async (t) => {
  const { status } = await identity(t, enter(0, ["net_admin", "net_bind_service"]));
  const mask = (1n << 12n) | (1n << 10n);
  for (const set of ["CapPrm", "CapEff", "CapBnd"])
    t.is(BigInt(`0x${status.find((l) => l.startsWith(set))!.split(/\s+/)[1]}`), mask, set);
});

/**
 * A probe entered with `args` by a parent shell that then becomes `sleep`: the probe alone holds the
 * pipes to this process, so its stdout ends only when it does. Its input is fd 3 of the parent, not its
 * stdin: Node closes a child's stdin when the child exits, which would end the orphan too.
 */
async function orphanable(t: ExecutionContext, args: string[]) {
  const script = '"$@" <&3 3<&- & exec sleep 600 >/dev/null 2>&1 3<&-';
  const parent = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "pipe", "inherit", "pipe"] });
  const stdout = parent.stdout!;
  const parentGone = new Promise<void>((r) => parent.on("exit", () => r()));
  const outEnded = new Promise<void>((r) => stdout.on("end", () => r()));
  const session = new ProbeSession("orphan", parent.stdio[3] as Writable, stdout);
  const pid = Number((await session.call(["hello"])).pid);
  t.teardown(() => {
    parent.kill("SIGKILL");
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  });
  return { parent, parentGone, outEnded, session, pid };
}

test("pdeathsig: the probe dies with the process that started it; without it, it lives on", async (t) => {
  const plain = enter(1000, []).filter((a) => a !== "no-new-privs");
  const kept = await orphanable(t, plain);
  kept.parent.kill("SIGKILL");
  await kept.parentGone;
  t.like(
    await kept.session.call(["hello"]),
    { pid: kept.pid, uid: 1000 },
    "without pdeathsig the orphan still answers",
  );

  const tied = await orphanable(t, [...plain, "pdeathsig"]);
  tied.parent.kill("SIGKILL");
  await tied.outEnded; // the probe's end is the only thing that closes its stdout
  await t.throwsAsync(tied.session.call(["hello"]), { message: /exit|ended|closed/i });
});

test("a probe in a folder only root may enter (a package unpacked in a private temp folder) still starts as another uid", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rl-enter-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o700);
  const probe = join(dir, "probe");
  copyFileSync(PROBE, probe);
  chmodSync(probe, 0o755);
  const { uid, netns } = await identity(t, [probe, "enter", `/run/netns/${NETNS}`, "1000", "-"]);
  t.is(uid, 1000);
  t.not(netns, readlinkSync("/proc/self/ns/net"));
});

test("bad arguments are refused before anything changes, naming what is wrong", (t) => {
  const run = (...args: string[]) => spawnSync(PROBE, ["enter", ...args], { encoding: "utf8" });
  t.regex(run().stderr, /usage: probe enter NETNS UID CAPS/);
  t.regex(
    run("/run/netns/rl-enter-nope", "1000", "-").stderr,
    /\/run\/netns\/rl-enter-nope: No such file or directory/,
  );
  t.regex(run(`/run/netns/${NETNS}`, "1000", "net_admin,bogus").stderr, /unknown capability: bogus/);
  t.regex(run(`/run/netns/${NETNS}`, "x", "-").stderr, /bad uid/);
  t.regex(run(`/run/netns/${NETNS}`, "1000", "-", "sideways").stderr, /unknown option/);
  t.is(run().status, 2);
});
