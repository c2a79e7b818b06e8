// The netns backend keeps a lab's namespaces and probes for a later run (netns-pool.ts), as the docker
// backend keeps its containers: only when nothing of the earlier run can be seen in them. Each test
// leaves something behind on purpose (a TIME_WAIT socket, a changed uid, a capability, a socket the lab
// did not make, other sysctls) and checks what the next run gets. The vm backend runs the same code
// inside its guests. Root only.
import test from "ava";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { release } from "node:os";
import type { LabSpec } from "../../lab/backend/backend";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import { NetnsBackend } from "../../lab/backend/netns/netns-backend";
import type { ActorRuntime } from "../../lab/steps/actor-runtime";
import { leaveTimeWait, states } from "./time-wait";

const kernel = { id: "host", release: release() };
let backend: NetnsBackend;

test.before(async () => {
  backend = new NetnsBackend();
  await backend.prepare();
});
test.after.always(async () => {
  await backend?.[Symbol.asyncDispose]();
});

const spec = (runId: string, o: { caps?: string[]; sysctls?: Record<string, string> } = {}): LabSpec => ({
  runId,
  namespaces: [
    { name: "srv", sysctls: o.sysctls ?? {} },
    { name: "far", sysctls: {} },
  ],
  actors: [
    { name: "srv", uid: 1000, netns: "srv", caps: o.caps ?? [] },
    { name: "cli", uid: 1001, netns: "srv", caps: [] },
    { name: "far", uid: 1002, netns: "far", caps: [] },
  ],
});

/**
 * The namespaces seen, each held open until the tests end: the kernel gives a deleted namespace's
 * inode number to the next one it makes, so "another namespace" is told by its inode only while the
 * first one is still held.
 */
const held: number[] = [];
test.after.always(() => held.splice(0).forEach((fd) => closeSync(fd)));

/** Who answers for an actor: its worker's pid and uid, and the namespace it is in (its inode). */
async function who(a: ActorRuntime): Promise<{ pid: number; uid: unknown; netns: string }> {
  const h = await a.call(["hello"]);
  held.push(openSync(`/proc/${Number(h.pid)}/ns/net`, "r"));
  return { pid: Number(h.pid), uid: h.uid, netns: readlinkSync(`/proc/${Number(h.pid)}/ns/net`) };
}

/** The init (parent) of a recycled probe's worker. */
function parentOf(pid: number): number {
  return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
}

/** A UDP exchange across the lab's bridge (neighbours learnt), and sockets bound in both namespaces. */
async function useUdp(srv: ActorRuntime, far: ActorRuntime): Promise<void> {
  await srv.call(["socket", "u", "udp", "4"]);
  await srv.call(["bind", "u", "0.0.0.0", "5353"]);
  await far.call(["socket", "f", "udp", "4"]);
  await far.call(["bind", "f", "0.0.0.0", "5354"]);
  const srvAddress = srv.resolve({ kind: "actor", actor: "srv", family: 4 });
  await far.call(["send", "f", srvAddress, "5353", "3"]);
}

test.serial(
  "a run with only UDP: the next one gets the same namespaces and probes, with new workers, no socket, each actor's uid",
  async (t) => {
    let first: Record<string, { pid: number; netns: string; init: number }>;
    {
      await using lab = await backend.start(spec("reuse.udp@host"), kernel);
      const [srv, cli, far] = ["srv", "cli", "far"].map((n) => lab.actor(n));
      const seen = async (a: ActorRuntime) => {
        const w = await who(a);
        return { ...w, init: parentOf(w.pid) };
      };
      first = { srv: await seen(srv!), cli: await seen(cli!), far: await seen(far!) };
      await useUdp(srv!, far!);
      t.like(await srv!.call(["recv", "u", "3", "5000"]), { received: 3 }, "the datagrams crossed the bridge");
      await cli!.call(["setuid", "0"]).catch(() => undefined); // refused (no capability), and no matter: the worker goes
    }
    const counts = { ...backend.reuse! };
    await using lab = await backend.start(spec("reuse.udp-2@host"), kernel);
    t.is(backend.reuse!.setsReused - counts.setsReused, 1);
    t.is(backend.reuse!.probesReused - counts.probesReused, 3);
    for (const [name, uid] of [
      ["srv", 1000],
      ["cli", 1001],
      ["far", 1002],
    ] as const) {
      const now = await who(lab.actor(name));
      t.is(now.uid, uid, `${name} runs as its own uid`);
      t.is(now.netns, first[name]!.netns, `${name} is in the same namespace`);
      t.not(now.pid, first[name]!.pid, `${name} has a new worker`);
      t.is(parentOf(now.pid), first[name]!.init, `${name}'s probe (its init) is the same process`);
    }
    // Nothing of the first run: the ports are free again.
    const srv = lab.actor("srv");
    await srv.call(["socket", "u", "udp", "4"]);
    t.like(await srv.call(["bind", "u", "0.0.0.0", "5353"]), { ret: 0, errno: null });
    const far = lab.actor("far");
    await far.call(["socket", "f", "udp", "4"]);
    t.like(await far.call(["bind", "f", "0.0.0.0", "5354"]), { ret: 0, errno: null });
  },
);

test.serial("a run that leaves a TIME_WAIT: the next one gets new namespaces", async (t) => {
  let before: string;
  {
    await using lab = await backend.start(spec("reuse.tw@host"), kernel);
    const [srv, cli] = [lab.actor("srv"), lab.actor("cli")];
    before = (await who(srv)).netns;
    await leaveTimeWait(srv, cli);
  }
  const counts = { ...backend.reuse! };
  await using lab = await backend.start(spec("reuse.tw-2@host"), kernel);
  t.not((await who(lab.actor("srv"))).netns, before, "the namespace with the TIME_WAIT is not used again");
  t.is(backend.reuse!.setsReused - counts.setsReused, 0);
  t.deepEqual(await states(lab.actor("srv")), {});
});

test.serial("an actor with a capability: its namespaces are not used again", async (t) => {
  let before: string;
  {
    await using lab = await backend.start(spec("reuse.caps@host", { caps: ["net_raw"] }), kernel);
    before = (await who(lab.actor("cli"))).netns;
  }
  await using lab = await backend.start(spec("reuse.caps-2@host", { caps: ["net_raw"] }), kernel);
  t.not((await who(lab.actor("cli"))).netns, before);
});

test.serial("other sysctls: an idle set is not given to a run that asks for others", async (t) => {
  let before: string;
  {
    await using lab = await backend.start(spec("reuse.plain@host"), kernel);
    before = (await who(lab.actor("srv"))).netns;
  }
  {
    await using lab = await backend.start(
      spec("reuse.sysctl@host", { sysctls: { "net.ipv4.ip_unprivileged_port_start": "80" } }),
      kernel,
    );
    t.not((await who(lab.actor("srv"))).netns, before);
    t.like(await lab.actor("srv").call(["sysctl", "net.ipv4.ip_unprivileged_port_start"]), { value: "80" });
  }
  await using lab = await backend.start(spec("reuse.plain-2@host"), kernel);
  t.is((await who(lab.actor("srv"))).netns, before, "the plain set was kept for a plain run");
  t.like(
    await lab.actor("srv").call(["sysctl", "net.ipv4.ip_unprivileged_port_start"]),
    { value: "1024" },
    "a new namespace's value, as in the first plain run",
  );
});

test.serial("a socket the lab did not make in an idle namespace: the set is not used again", async (t) => {
  let before: { pid: number; netns: string };
  let init: number;
  {
    await using lab = await backend.start(spec("reuse.stranger@host"), kernel);
    before = await who(lab.actor("srv"));
    init = parentOf(before.pid);
  }
  // Another process joins the idle namespace (through the kept probe, its worker is a new one by now)
  // and binds a socket there.
  const stranger = spawn("nsenter", ["-t", String(init), "-n", buildProbeBinary()], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  t.teardown(() => stranger.kill("SIGKILL"));
  stranger.stdin.write("socket u udp 4\nbind u 0.0.0.0 9999\n");
  const replies = await new Promise<string[]>((resolve) => {
    let out = "";
    stranger.stdout.on("data", (d: Buffer) => (out += d.toString()).split("\n").length > 2 && resolve(out.split("\n")));
    stranger.on("exit", () => resolve(out.split("\n")));
  });
  t.regex(replies[1] ?? "", /"cmd":"bind","ret":0/, "the stranger's socket is bound in the idle namespace");
  await using lab = await backend.start(spec("reuse.stranger-2@host"), kernel);
  t.not((await who(lab.actor("srv"))).netns, before.netns);
  const srv = lab.actor("srv");
  await srv.call(["socket", "u", "udp", "4"]);
  t.like(await srv.call(["bind", "u", "0.0.0.0", "9999"]), { ret: 0, errno: null });
});

/** The names under /run/netns of the namespace a process is in. */
function namesOf(pid: number): string[] {
  const inode = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))![1]);
  return readdirSync("/run/netns").filter((n) => {
    try {
      return statSync(`/run/netns/${n}`).ino === inode;
    } catch {
      return false; // another test's namespace, going
    }
  });
}

test.serial("when the backend ends, its kept namespaces and probes go with it", async (t) => {
  const own = new NetnsBackend();
  await own.prepare();
  let init: number;
  let names: string[];
  {
    await using lab = await own.start(spec("reuse.end@host"), kernel);
    const worker = (await who(lab.actor("srv"))).pid;
    init = parentOf(worker);
    names = [...namesOf(worker), ...namesOf((await who(lab.actor("far"))).pid)];
  }
  t.is(names.length, 2);
  t.true(
    names.every((n) => existsSync(`/run/netns/${n}`)),
    "kept after the run",
  );
  t.notThrows(() => process.kill(init, 0), "the kept probe lives");
  await own[Symbol.asyncDispose]();
  t.deepEqual(
    names.filter((n) => existsSync(`/run/netns/${n}`)),
    [],
    "deleted with the backend",
  );
  t.throws(() => process.kill(init, 0), { code: "ESRCH" }, "the kept probe is gone");
});
