// The docker backend uses containers again (holder-pool.ts): a namespace and an actor's container serve
// a later run only when nothing of the earlier run can be seen in them. Each test leaves something
// behind on purpose (a TIME_WAIT socket, a changed uid, a capability, a socket the lab did not make)
// and checks what the next run gets.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { release } from "node:os";
import Docker from "dockerode";
import type { LabSpec } from "../../lab/backend/backend";
import { DockerBackend } from "../../lab/backend/docker/docker-backend";
import { buildProbeBinary } from "../../lab/backend/docker/probe-image";
import type { ActorRuntime } from "../../lab/steps/actor-runtime";
import { onlyChild, procStatus } from "../probe/proc-status";
import { leaveTimeWait, states } from "./time-wait";

const kernel = { id: "host", release: release() };
const docker = new Docker();
let backend: DockerBackend;

test.before(async () => {
  backend = new DockerBackend();
  await backend.prepare();
});
test.after.always(async () => {
  await backend?.[Symbol.asyncDispose]();
});

const spec = (runId: string, caps: string[] = []): LabSpec => ({
  runId,
  namespaces: [{ name: "srv", sysctls: {} }],
  actors: [
    { name: "srv", uid: 1000, netns: "srv", caps },
    { name: "cli", uid: 1001, netns: "srv", caps: [] },
  ],
});

/** The ids of the session's running containers. */
async function containers(): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`reuselab.run=${backend.runLabel}`] } });
  return list.map((c) => c.Id).sort();
}

/** The namespace of the container that has capability `cap`: its holder and every container in it. */
async function runContainers(cap: string): Promise<string[]> {
  const all = await Promise.all((await containers()).map((id) => docker.getContainer(id).inspect()));
  const holder = all.find((c) => c.HostConfig.CapAdd?.includes(cap))!.HostConfig.NetworkMode!.replace("container:", "");
  return all.filter((c) => c.Id === holder || c.HostConfig.NetworkMode === `container:${holder}`).map((c) => c.Id);
}

async function hello(a: ActorRuntime) {
  return a.call(["hello"]);
}

test.serial(
  "the next run gets the same containers, with no socket, TIME_WAIT included, and each actor's own uid",
  async (t) => {
    let before: string[];
    let pids: number[];
    {
      await using lab = await backend.start(spec("reuse.first@host"), kernel);
      const [srv, cli] = [lab.actor("srv"), lab.actor("cli")];
      pids = [Number((await hello(srv)).pid), Number((await hello(cli)).pid)];
      await leaveTimeWait(srv, cli);
      t.deepEqual(
        await states(srv),
        { LISTEN: 1, TIME_WAIT: 1 },
        "the first run leaves a listener and a TIME_WAIT socket",
      );
      await cli.call(["socket", "u", "udp", "4"]);
      t.like(await cli.call(["bind", "u", "0.0.0.0", "5353"]), { ret: 0 });
      before = await containers();
      t.is(before.length, 3, "a holder and two actors");
    }
    const counts = { ...backend.counts! };
    await using lab = await backend.start(spec("reuse.second@host"), kernel);
    const [srv, cli] = [lab.actor("srv"), lab.actor("cli")];
    t.deepEqual(await containers(), before, "the same three containers serve the second run");
    t.is(backend.counts!.actorsReused - counts.actorsReused, 2);
    t.is(backend.counts!.holdersReused - counts.holdersReused, 1);
    // New workers: other pids, the containers' uids.
    const [hs, hc] = [await hello(srv), await hello(cli)];
    t.like(hs, { uid: 1000 });
    t.like(hc, { uid: 1001 });
    t.notDeepEqual([Number(hs.pid), Number(hc.pid)], pids);
    // Nothing of the first run: no TIME_WAIT on 7000, so a bind without SO_REUSEADDR succeeds; 5353/udp is free.
    t.deepEqual(await states(srv), {});
    await srv.call(["socket", "l", "tcp", "4"]);
    t.like(await srv.call(["bind", "l", "0.0.0.0", "7000"]), { ret: 0, errno: null });
    await cli.call(["socket", "u", "udp", "4"]);
    t.like(await cli.call(["bind", "u", "0.0.0.0", "5353"]), { ret: 0, errno: null });
  },
);

test.serial(
  "an idle container serves an actor of another uid: its next worker runs as that uid with no capability, as the kernel holds it",
  async (t) => {
    {
      await using lab = await backend.start(spec("reuse.uid-a@host"), kernel);
      t.like(await hello(lab.actor("srv")), { uid: 1000 });
    }
    const before = await containers();
    const counts = { ...backend.counts! };
    const other: LabSpec = {
      runId: "reuse.uid-b@host",
      namespaces: [{ name: "n", sysctls: {} }],
      actors: [
        { name: "x", uid: 0, netns: "n", caps: [] },
        { name: "y", uid: 2002, netns: "n", caps: [] },
      ],
    };
    await using lab = await backend.start(other, kernel);
    t.deepEqual(await containers(), before, "the same containers, none made");
    t.is(backend.counts!.actorsMade - counts.actorsMade, 0);
    for (const [name, uid] of [
      ["x", 0],
      ["y", 2002],
    ] as const) {
      t.like(await hello(lab.actor(name)), { uid, euid: uid, gid: uid, caps: 0, bounding: 0 }, name);
    }
    // The kernel's own record of each worker: the child of its container's init (init-as, root).
    const inits = await Promise.all(before.map((id) => docker.getContainer(id).inspect()));
    const workers = inits.filter((c) => c.Config.Cmd?.[0] === "init-as").map((c) => onlyChild(c.State.Pid));
    t.is(workers.length, 2, "both actors' containers start workers as any uid");
    const status = workers.map(procStatus);
    t.deepEqual(status.map((s) => s.Uid).sort(), ["0\t0\t0\t0", "2002\t2002\t2002\t2002"]);
    for (const s of status) {
      for (const f of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) t.is(s[f], "0000000000000000", f);
      t.is(s.NoNewPrivs, "1");
    }
    // uid 0 with no capability: setuid is refused by the kernel.
    t.like(await lab.actor("x").call(["setuid", "1000"]), { ret: -1, errno: "EPERM" });
  },
);

test.serial("an actor with a capability never serves again, nor does its namespace", async (t) => {
  let ours: string[];
  {
    await using lab = await backend.start(spec("reuse.caps@host", ["NET_RAW"]), kernel);
    t.like(await hello(lab.actor("srv")), { uid: 1000 });
    ours = await runContainers("NET_RAW");
  }
  t.is(ours.length, 3, "a holder and two actors");
  t.deepEqual(
    (await containers()).filter((id) => ours.includes(id)),
    [],
    "the namespace an actor with a capability was in is removed, with every actor container in it",
  );
});

test.serial("SETUID and SETGID leave the namespace to later runs, never the actor's container", async (t) => {
  let made: Docker.ContainerInspectInfo[];
  {
    const root: LabSpec = { ...spec("reuse.setuid@host") };
    root.actors = [{ name: "srv", uid: 0, netns: "srv", caps: ["SETUID", "SETGID"] }, root.actors[1]!];
    await using lab = await backend.start(root, kernel);
    t.like(
      await lab.actor("srv").call(["setuid", "1000"]),
      { uid: 1000 },
      "the capability is used: root drops to 1000",
    );
    made = await Promise.all((await containers()).map((id) => docker.getContainer(id).inspect()));
  }
  const holder = made.find((c) => c.Config.Cmd?.[0] === "hold")!;
  // The actor's own container (init-as containers keep SETUID for their init, not for any worker).
  const capable = made.find((c) => c.Config.Cmd?.[0] !== "init-as" && c.HostConfig.CapAdd?.includes("SETUID"))!;
  t.truthy(holder);
  t.truthy(capable);
  const now = await containers();
  t.true(now.includes(holder.Id), "its namespace waits for another run");
  t.false(now.includes(capable.Id), "the container that had the capability is removed");
  const counts = { ...backend.counts! };
  await using lab = await backend.start(spec("reuse.after-setuid@host"), kernel);
  t.like(await hello(lab.actor("srv")), { uid: 1000 });
  t.is(backend.counts!.holdersMade - counts.holdersMade, 0, "no namespace was made for the next run");
  t.deepEqual(await states(lab.actor("srv")), {});
});

test.serial("a namespace that a NET_ADMIN actor will change is one that keeps no container", async (t) => {
  {
    await using lab = await backend.start(spec("reuse.before-admin@host"), kernel);
    t.like(await hello(lab.actor("cli")), { uid: 1001 });
  }
  const kept = await containers();
  {
    await using lab = await backend.start(spec("reuse.admin@host", ["NET_ADMIN"]), kernel);
    t.like(await hello(lab.actor("srv")), { uid: 1000 });
    t.like(await hello(lab.actor("cli")), { uid: 1001 });
  }
  t.deepEqual(await containers(), kept, "the containers kept before are all there: none went with its namespace");
});

test.serial("a namespace with a socket the lab cannot account for is removed, not used again", async (t) => {
  let holderPid: number;
  let first: string[];
  {
    await using lab = await backend.start(spec("reuse.stranger@host"), kernel);
    t.like(await hello(lab.actor("srv")), { uid: 1000 });
    first = await containers();
    const holder = (await Promise.all(first.map((id) => docker.getContainer(id).inspect()))).find(
      (c) => c.Config.Cmd?.[0] === "hold",
    )!;
    holderPid = holder.State.Pid;
  }
  t.true(first.length === 3);
  // A socket of some process outside the lab, in the idle namespace: the next run must not get it.
  const stranger = spawn("nsenter", ["-t", String(holderPid), "-n", buildProbeBinary()], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  t.teardown(() => stranger.kill("SIGKILL"));
  stranger.stdin.write("socket u udp 4\nbind u 0.0.0.0 9999\n");
  await new Promise<void>((resolve) => {
    let out = "";
    stranger.stdout.on("data", (d: Buffer) => (out += d.toString()).split("\n").length > 2 && resolve());
  });
  t.regex(spawnSync("nsenter", ["-t", String(holderPid), "-n", "ss", "-Hunl"], { encoding: "utf8" }).stdout, /:9999/);
  await using lab = await backend.start(spec("reuse.stranger-2@host"), kernel);
  t.like(await hello(lab.actor("srv")), { uid: 1000 });
  const now = await containers();
  t.is(now.length, 3);
  t.false(
    now.some((id) => first.includes(id)),
    "the namespace with the stranger's socket and its actors are not used again",
  );
});

test.serial("a run gets the idle namespace whose containers run as its actors' uids, run after run", async (t) => {
  // One run leaves two idle namespaces in its slot: one with a container of uid 2000, one of uid 3000.
  {
    await using seed = await backend.start(
      {
        runId: "reuse.two-holders@host",
        namespaces: [
          { name: "a", sysctls: {} },
          { name: "b", sysctls: {} },
        ],
        actors: [
          { name: "a", uid: 2000, netns: "a", caps: [] },
          { name: "b", uid: 3000, netns: "b", caps: [] },
        ],
      },
      kernel,
    );
    t.like(await hello(seed.actor("b")), { uid: 3000 });
  }
  const counts = { ...backend.counts! };
  const seeded = await containers();
  // Taking the first idle namespace would alternate between the two, so two runs in a row with the
  // same uid would make a container at least once.
  for (const [i, uid] of [3000, 3000, 2000, 2000, 3000].entries()) {
    await using lab = await backend.start(
      {
        runId: `reuse.by-uid-${i}@host`,
        namespaces: [{ name: "n", sysctls: {} }],
        actors: [{ name: "x", uid, netns: "n", caps: [] }],
      },
      kernel,
    );
    t.like(await hello(lab.actor("x")), { uid }, `run ${i}`);
  }
  t.is(backend.counts!.actorsMade - counts.actorsMade, 0, "no container was made");
  t.is(backend.counts!.actorsReused - counts.actorsReused, 5);
  t.deepEqual(await containers(), seeded, "the same containers, none made, none removed");
});

test.serial(
  "a run's sysctls are in its namespace while it runs, and the next run there has the first values back",
  async (t) => {
    const keys = ["net.ipv4.tcp_fin_timeout", "net.ipv4.ip_local_port_range"];
    const read = async (a: ActorRuntime) =>
      Promise.all(
        keys.map(async (k) =>
          String((await a.call(["sysctl", k])).value)
            .split(/\s+/)
            .join(" "),
        ),
      );
    let plain: string[];
    let seen: string[];
    {
      await using lab = await backend.start(spec("reuse.sysctls-plain@host"), kernel);
      plain = await read(lab.actor("srv"));
      seen = await containers();
    }
    t.notDeepEqual(plain, ["7", "20000 20100"], "the test's values are not the defaults");
    const tuned: LabSpec = { ...spec("reuse.sysctls-tuned@host") };
    tuned.namespaces = [{ name: "srv", sysctls: { [keys[0]!]: "7", [keys[1]!]: "20000\t20100" } }];
    const counts = { ...backend.counts! };
    {
      await using lab = await backend.start(tuned, kernel);
      t.deepEqual(await read(lab.actor("srv")), ["7", "20000 20100"]);
      t.deepEqual(await read(lab.actor("cli")), ["7", "20000 20100"], "every actor of the namespace sees them");
    }
    t.is(backend.counts!.holdersReused - counts.holdersReused, 1, "an idle holder served the tuned run");
    t.deepEqual(await containers(), seen, "no container made or removed for it");
    await using lab = await backend.start(spec("reuse.sysctls-after@host"), kernel);
    t.deepEqual(await read(lab.actor("srv")), plain);
  },
);

test.serial("a sysctl the kernel does not have fails the run's start, and nothing of it is kept", async (t) => {
  const before = await containers();
  const bad: LabSpec = { ...spec("reuse.sysctls-bad@host") };
  bad.namespaces = [{ name: "srv", sysctls: { "net.ipv4.tcp_fin_timeout": "9", "net.ipv4.tcp_tw_recycle": "1" } }];
  await t.throwsAsync(backend.start(bad, kernel), { message: /net\.ipv4\.tcp_tw_recycle/ });
  const after = await containers();
  t.deepEqual(
    after.filter((id) => !before.includes(id)),
    [],
    "no container made for the run is left",
  );
  t.true(after.length < before.length, "the holder it leased is removed, with its idle containers");
  await using lab = await backend.start(spec("reuse.sysctls-bad-after@host"), kernel);
  t.not(String((await lab.actor("srv").call(["sysctl", "net.ipv4.tcp_fin_timeout"])).value).trim(), "9");
});
