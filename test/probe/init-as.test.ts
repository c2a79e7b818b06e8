// `probe init-as UID` (images/probe/main.c): an init that keeps CAP_SETUID, CAP_SETGID, CAP_SETPCAP and
// CAP_KILL and starts each worker as the uid `recycle UID` asks for, with no capability. The docker
// backend's actors with no capability run under it, so one container serves any uid (docker-lab.ts).
// Each worker's credentials are read from the kernel (/proc/PID/status), not only from its own hello,
// and proved by what the kernel refuses it.
import test, { type ExecutionContext } from "ava";
import { spawn, spawnSync } from "node:child_process";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { ProbeSession } from "../../lab/probe/probe-session";
import { onlyChild, procStatus } from "./proc-status";

/** The probe as pid 1 of its own pid and network namespaces (only loopback, up), as in a container. */
function startInit(t: ExecutionContext, ...args: string[]) {
  const child = spawn(
    "unshare",
    ["-n", "-p", "-f", "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', buildProbeBinary(), ...args],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  t.teardown(() => child.kill("SIGKILL"));
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const session = new ProbeSession("init-as", child.stdin, child.stdout);
  return { session, exited, stderr: () => stderr, unshare: child.pid! };
}

/** The worker's credentials as the kernel holds them (unshare → probe init → its worker). */
function credentials(unshare: number): Record<string, string> {
  const status = procStatus(onlyChild(onlyChild(unshare)));
  const fields = ["Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"];
  return Object.fromEntries(fields.map((f) => [f, status[f] ?? ""]));
}

const NONE = "0000000000000000";
const as = (uid: number) => ({
  Uid: `${uid}\t${uid}\t${uid}\t${uid}`,
  Gid: `${uid}\t${uid}\t${uid}\t${uid}`,
  Groups: "",
  CapInh: NONE,
  CapPrm: NONE,
  CapEff: NONE,
  CapBnd: NONE,
  CapAmb: NONE,
  NoNewPrivs: "1",
});

test("each worker runs as the uid asked for, with no capability and no way to gain one, uid 0 included", async (t) => {
  const { session, exited, unshare } = startInit(t, "init-as", "1000");
  t.like(await session.call(["hello"]), { uid: 1000, euid: 1000, gid: 1000, caps: 0, bounding: 0 });
  t.deepEqual(credentials(unshare), as(1000));
  // The kernel says so too: a port below 1024 needs CAP_NET_BIND_SERVICE in a new namespace.
  await session.call(["socket", "s", "tcp", "4"]);
  t.like(await session.call(["bind", "s", "127.0.0.1", "80"]), { ret: -1, errno: "EACCES" });
  t.like(await session.call(["bind", "s", "127.0.0.1", "8080"]), { ret: 0 });

  for (const uid of [1001, 0]) {
    const hello = await session.recycle(2000, uid);
    t.like(hello, { seq: 1, uid, euid: uid, gid: uid, caps: 0, bounding: 0 }, `the worker for uid ${uid}`);
    t.deepEqual(credentials(unshare), as(uid), `uid ${uid} as the kernel holds it`);
    t.like(await session.call(["socket", "s", "tcp", "4"]), { errno: null }, "the old worker's socket is gone");
    t.like(await session.call(["bind", "s", "127.0.0.1", "80"]), { ret: -1, errno: "EACCES" }, `uid ${uid}`);
    t.like(await session.call(["bind", "s", "127.0.0.1", "8080"]), { ret: 0 }, "8080 was freed by the recycle");
  }
  t.like(await session.call(["setuid", "1000"]), { ret: -1, errno: "EPERM" }, "uid 0 without CAP_SETUID");
  t.like(await session.recycle(2000), { uid: 0 }, "a recycle without a uid keeps the worker's");
  t.regex(String((await session.call(["recycle", "65536"])).error), /bad uid '65536' \(0 to 65535\)/);
  session.fire(["crash"]);
  t.is(await exited, 137, "a crash still ends the init, as 128+SIGKILL");
});

test("a plain init starts workers of its own uid only; init-as refuses a bad uid and ends when it cannot drop", async (t) => {
  const plain = startInit(t, "init");
  const refused = await plain.session.call(["recycle", "1001"]);
  t.regex(String(refused.error), /this init starts workers as uid 0 only/);
  t.like(await plain.session.call(["hello"]), { seq: 2, uid: 0 }, "the refusal left the worker as it was");
  t.like(await plain.session.recycle(2000, 0), { seq: 1, uid: 0 }, "its own uid is fine");
  plain.session.close();

  const bad = spawnSync(buildProbeBinary(), ["init-as", "x"], { encoding: "utf8" });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /probe init-as: bad uid 'x' \(a number up to 65535\)/);

  // Without CAP_SETPCAP (and the rest) the worker cannot empty its bounding set: it says so and the
  // init ends with its status; no worker ever serves with what it could not drop.
  const weak = spawnSync(
    "setpriv",
    ["--reuid=1000", "--regid=1000", "--clear-groups", "--", buildProbeBinary(), "init-as", "1001"],
    { encoding: "utf8", input: "hello\n" },
  );
  t.is(weak.status, 2, weak.stderr);
  t.regex(weak.stderr, /probe init-as: the worker for uid 1001: bounding set: Operation not permitted/);
  t.is(weak.stdout, "", "nothing answered");
});
