// The probe agent on this machine (lab/backend/docker/host-agent.ts), as the docker backend scrubs a
// holder's namespace with it: `flush-pid` destroys a TIME_WAIT socket and empties the neighbour table
// of a process's namespace, says which pid has none, and the agent ends with its backend, or with the
// process that started it when that one is killed. Root, no engine: the namespace is made with ip.
import test from "ava";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HostAgent } from "../../lab/backend/docker/host-agent";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { parseSockstat } from "../../lab/backend/sockstat";
import { systemTool } from "../../lab/system-tools";

const NS = `rl-${process.pid}-hostagent`;
const ip = (...args: string[]) => spawnSync(systemTool("ip", "iproute2"), args, { encoding: "utf8" });
let holder: ChildProcess;

test.before(() => {
  buildProbeBinary();
  const made = ip("netns", "add", NS);
  if (made.status !== 0) throw new Error(`ip netns add ${NS}: ${made.stderr}`);
  // A process in the namespace, as a holder is: the agent finds the namespace by its pid.
  holder = spawn(systemTool("ip", "iproute2"), ["netns", "exec", NS, systemTool("sleep", "coreutils"), "infinity"], {
    stdio: "ignore",
  });
});
test.after.always(() => {
  holder?.kill("SIGKILL");
  ip("netns", "del", NS);
});

/** Runs python3 in the namespace: srv accepts cli's connection on 127.0.0.1:7000 and closes first (TIME_WAIT). */
function leaveTimeWait(): void {
  const script = [
    "import socket",
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
    "s.bind(('127.0.0.1', 7000)); s.listen(1)",
    "c = socket.create_connection(('127.0.0.1', 7000)); a, _ = s.accept()",
    "a.close(); c.recv(1); c.close(); s.close()",
  ].join("\n");
  const r = spawnSync(
    systemTool("ip", "iproute2"),
    ["netns", "exec", NS, systemTool("python3", "python3"), "-c", script],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`python3 in ${NS}: ${r.stderr}`);
}

const tw = () => parseSockstat(readFileSync(`/proc/${holder.pid}/net/sockstat`, "utf8"))["TCP tw"] ?? 0;

test.serial("flush-pid destroys a TIME_WAIT and empties the neighbour table of the pid's namespace", async (t) => {
  await using agent = await HostAgent.start();
  ip("-n", NS, "link", "set", "lo", "up");
  ip("-n", NS, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
  ip("-n", NS, "link", "set", "d1", "up");
  ip("-n", NS, "link", "set", "d0", "up");
  ip("-n", NS, "addr", "add", "10.9.0.1/24", "dev", "d0");
  t.is(
    ip("-n", NS, "neigh", "replace", "10.9.0.2", "lladdr", "02:00:00:00:00:02", "dev", "d0", "nud", "stale").status,
    0,
  );
  leaveTimeWait();
  t.is(tw(), 1, "the namespace holds a TIME_WAIT before the flush");
  t.regex(ip("-n", NS, "neigh", "show").stdout, /10\.9\.0\.2 /);
  await agent.flushPids([holder.pid!]);
  t.is(tw(), 0, "no TIME_WAIT after it");
  t.notRegex(ip("-n", NS, "neigh", "show").stdout, /10\.9\.0\.2 /);
});

test.serial("flush-pid of a pid that is gone fails with the agent's words", async (t) => {
  await using agent = await HostAgent.start();
  const gone = spawnSync("true").pid;
  const e = await t.throwsAsync(agent.flushPids([gone]));
  t.regex(e!.message, new RegExp(`flush-pid: no network namespace '${gone}': No such file or directory`));
});

test.serial(
  "the agent ends when its backend disposes of it, and when the process that started it is killed",
  async (t) => {
    const agent = await HostAgent.start();
    const pid = agent.pid!;
    t.true(existsSync(`/proc/${pid}`));
    await agent[Symbol.asyncDispose]();
    t.false(existsSync(`/proc/${pid}`), "disposed: the agent is gone");
    await agent[Symbol.asyncDispose](); // twice is harmless

    // A process that starts an agent, says its pid, and is then killed with SIGKILL.
    const starter = spawn(
      process.execPath,
      [
        "-r",
        join(__dirname, "../../lab/dev/ts-cache.cjs"),
        "-e",
        `require(${JSON.stringify(join(__dirname, "../../lab/backend/docker/host-agent.ts"))}).HostAgent.start().then((a) => console.log(a.pid))`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const agentPid = await new Promise<number>((resolve) =>
      starter.stdout.once("data", (d) => resolve(Number(String(d)))),
    );
    t.true(existsSync(`/proc/${agentPid}`));
    starter.kill("SIGKILL");
    // Its stdin closes with its parent: it ends, and is reaped by init. No deadline: ava's timeout bounds it.
    while (existsSync(`/proc/${agentPid}`) && !/^\S+ \S+ Z/.test(readFileSync(`/proc/${agentPid}/stat`, "utf8")))
      await new Promise((r) => setTimeout(r, 20));
    t.pass();
  },
);
