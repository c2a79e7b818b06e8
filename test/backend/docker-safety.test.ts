// Safety by construction, checked on a real lab: how the actors' containers are locked down, and that
// a lab network has no route out of the host. The "outside" is a namespace of this test's own, reached
// through the host's routing, so no packet of the test ever goes anywhere but the lab's own namespaces.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { hostname, release } from "node:os";
import Docker from "dockerode";
import { buildProbeBinary, ensureProbeImage } from "../../lab/backend/docker/probe-image";
import { DockerBackend } from "../../lab/backend/docker/docker-backend";
import { ensureEgressGuard, GUARD_TABLE, nftBinary } from "../../lab/backend/docker/egress-guard";
import { createLabNetwork, LAB_RANGES } from "../../lab/backend/docker/lab-network";
import { ProbeContainer } from "../../lab/backend/docker/lab-container";
import { labLabels } from "../../lab/backend/docker/labels";
import { ProbeSession } from "../../lab/probe/probe-session";

const sh = (cmd: string) => spawnSync("bash", ["-c", cmd], { encoding: "utf8" });
const OUTSIDE = `rl-outside-${process.pid}`;
// 198.18.0.0/15 is for benchmarking networks (RFC 2544): nothing on this machine uses it.
const [OUT_ADDR, HOST_ADDR] = ["198.18.213.1", "198.18.213.2"];

/** A namespace beside the host, routed from it like any network the host could forward lab traffic to. */
function makeOutside(): void {
  const r = sh(`set -e
    ip netns add ${OUTSIDE}
    ip link add ${OUTSIDE.slice(0, 11)}h type veth peer name eth0 netns ${OUTSIDE}
    ip addr add ${HOST_ADDR}/30 dev ${OUTSIDE.slice(0, 11)}h && ip link set ${OUTSIDE.slice(0, 11)}h up
    ip -n ${OUTSIDE} addr add ${OUT_ADDR}/30 dev eth0 && ip -n ${OUTSIDE} link set eth0 up && ip -n ${OUTSIDE} link set lo up
    ip -n ${OUTSIDE} route add default via ${HOST_ADDR}`);
  if (r.status !== 0) throw new Error(`could not make the outside namespace: ${r.stderr}`);
}

/** A probe in the outside namespace, bound to udp OUT_ADDR:9999. */
async function outsideListener() {
  const child = spawn("ip", ["netns", "exec", OUTSIDE, buildProbeBinary()], { stdio: ["pipe", "pipe", "pipe"] });
  const session = new ProbeSession("outside", child.stdin, child.stdout, child.stderr);
  await session.call(["socket", "s", "udp", "4"]);
  const bound = await session.call(["bind", "s", OUT_ADDR, "9999"]);
  if (bound.ret !== 0) throw new Error(`outside bind: ${JSON.stringify(bound)}`);
  // recv returns once 5 came: where they must come it waits as long as it takes (ava's timeout is the
  // bound); where none may come it waits 700 ms on purpose.
  const received = async (waitMs: number) =>
    Number((await session.call(["recv", "s", "5", String(waitMs), "200"], waitMs + 10_000)).received ?? -1);
  return { session, child, arrive: () => received(600_000), none: () => received(700) };
}

let backend: DockerBackend;
test.before(async () => {
  makeOutside();
  backend = new DockerBackend();
  await backend.prepare();
});
test.after.always(async () => {
  await backend?.[Symbol.asyncDispose]();
  sh(`ip netns del ${OUTSIDE}; ip link del ${OUTSIDE.slice(0, 11)}h 2>/dev/null`);
  ensureEgressGuard();
});

const spec = {
  runId: "safety.default@host",
  namespaces: [{ name: "a", sysctls: {} }],
  actors: [
    { name: "a", uid: 1000, netns: "a", caps: [] },
    { name: "r", uid: 0, netns: "a", caps: ["NET_RAW"] },
  ],
};

test.serial(
  "every container: no capabilities but those a case names, read-only root, no new privileges, pids and memory bounded, no log",
  async (t) => {
    await using lab = await backend.start(spec, { id: "host", release: release() });
    t.truthy(lab);
    const docker = new Docker();
    const mine = await docker.listContainers({ filters: { label: [`reuselab.run=${backend.runLabel}`] } });
    t.is(mine.length, 3, "a holder for the namespace and one container per actor");
    for (const c of mine) {
      const h = (await docker.getContainer(c.Id).inspect()).HostConfig;
      const config = (await docker.getContainer(c.Id).inspect()).Config;
      t.deepEqual(h.CapDrop, ["ALL"], c.Id);
      // The holder has none; the NET_RAW actor runs as itself with NET_RAW; the actor with none runs
      // under `probe init-as 1000`, whose init keeps only what starting a worker of any uid takes, and
      // whose worker has nothing (docker-reuse.test.ts reads its /proc status).
      const expected: Record<string, [string, string[]]> = {
        hold: ["", []],
        "": ["0:0", ["NET_RAW"]],
        "init-as 1000": ["0", ["SETUID", "SETGID", "SETPCAP", "KILL"]],
      };
      const command = (config.Cmd ?? []).join(" ");
      t.deepEqual([config.User, h.CapAdd ?? []], expected[command], `user and caps of '${command}'`);
      t.true(h.ReadonlyRootfs, "read-only root");
      t.deepEqual(h.SecurityOpt, ["no-new-privileges"]);
      t.true((h.PidsLimit ?? 0) > 0 && (h.PidsLimit ?? 0) <= 64, `pids limit ${h.PidsLimit}`);
      t.true((h.Memory ?? 0) > 0 && (h.Memory ?? 0) <= 128 * 2 ** 20, `memory ${h.Memory}`);
      t.false(h.Privileged);
      // The engine keeps no log of a probe's thousands of reply lines (dockerd's CPU: lab-container.ts).
      t.is(h.LogConfig?.Type, "none", "no log driver");
    }
    // Containers serve later runs (holder-pool.ts), so they are labelled by runner, not by case: what
    // `reuselab clean` needs to tell a dead runner's leftovers from a live one's.
    for (const c of mine) t.like(c.Labels, { "reuselab.pid": String(process.pid), "reuselab.host": hostname() });

    // The probe listens on nothing a case did not ask for: a fresh lab namespace has no socket at all
    // (on a Docker network it would have Docker's embedded resolver; as root it is on the lab's switch).
    const pid = (await docker.getContainer(mine[0]!.Id).inspect()).State.Pid;
    const ss = sh(`nsenter -t ${pid} -n ss -Htuan`);
    t.is(ss.status, 0, ss.stderr);
    t.deepEqual(ss.stdout.split("\n").filter(Boolean), [], "no socket");

    // As root the namespace is on no Docker network: its holder has none, and it is wired to a switch
    // namespace of the lab's own (switch-namespace.ts), which has a bridge and the veths to the lab's
    // namespaces, and no link to anywhere else.
    t.deepEqual(await docker.listNetworks({ filters: { label: [`reuselab.run=${backend.runLabel}`] } }), []);
    const holder = (await Promise.all(mine.map((c) => docker.getContainer(c.Id).inspect()))).find(
      (c) => c.Config.Cmd?.[0] === "hold",
    )!;
    t.is(holder.HostConfig.NetworkMode, "none");
    const switches = sh("ip netns list")
      .stdout.split("\n")
      .filter((l) => l.startsWith(`rl-${process.pid}-sw`));
    t.is(switches.length, 1, "one switch for the one slot in use");
    const links = sh(`ip -n ${switches[0]!.split(" ")[0]} -o link show`).stdout;
    const names = [...links.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]).sort();
    t.deepEqual(names, ["br0", "lo", "p2"], "the bridge and the one namespace's veth");
    t.deepEqual(
      sh(`nsenter -t ${holder.State.Pid} -n ip route show`)
        .stdout.trim()
        .split("\n")
        .map((l) => l.trim()),
      ["10.215.0.0/24 dev eth0 proto kernel scope link src 10.215.0.2", "224.0.0.0/4 dev eth0 scope link"],
      "the subnet and multicast, no default route",
    );
  },
);

test.serial(
  "as root a lab's namespaces have no route out at all: a datagram to the outside is unreachable",
  async (t) => {
    const outside = await outsideListener();
    t.teardown(() => outside.child.kill("SIGKILL"));
    await using lab = await backend.start(spec, { id: "host", release: release() });
    t.like(await lab.actor("a").call(["sendvary", "4", OUT_ADDR, "9999", "5"]), { ret: -1, errno: "ENETUNREACH" });
    t.is(await outside.none(), 0);
  },
);

test.serial(
  "a lab network has no route out: the egress guard drops what the host would forward, and only that",
  async (t) => {
    const rules = sh(`${nftBinary()} list table inet ${GUARD_TABLE}`);
    t.is(rules.status, 0, rules.stderr);
    t.regex(
      rules.stdout,
      new RegExp(
        `ip saddr ${LAB_RANGES.v4.replace(/\./g, "\\.")} ip daddr != \\{ ${LAB_RANGES.v4.replace(/\./g, "\\.")}, 224\\.0\\.0\\.0/4 \\}.* drop`,
      ),
    );
    t.regex(rules.stdout, /ip6 saddr fd00:213::\/32 ip6 daddr != \{ fd00:213::\/32, ff00::\/8 \}.* drop/);

    const outside = await outsideListener();
    t.teardown(() => outside.child.kill("SIGKILL"));
    // A container on a lab network, as the audit makes them (and the docker backend when not root).
    const docker = new Docker();
    const labels = labLabels(backend.runLabel);
    const net = await createLabNetwork(docker, `${backend.runLabel}-egress`, labels);
    t.teardown(() => net.remove());
    t.is(
      (await docker.getNetwork(net.id).inspect()).Options?.["com.docker.network.bridge.enable_ip_masquerade"],
      "false",
    );
    t.true([net.subnet, net.subnet6].every((c) => c.startsWith("10.213.") || c.startsWith("fd00:213:")));
    const c = new ProbeContainer(docker, await ensureProbeImage(docker), labels, "egress")
      .withNetworkMode(net.name)
      .withUser("1000:1000");
    const started = await c.start();
    t.teardown(() => docker.getContainer(started.getId()).remove({ force: true }));
    const send = () => c.session!.call(["sendvary", "4", OUT_ADDR, "9999", "5"]);

    // The path works: the host itself reaches the outside namespace.
    const host = spawn(buildProbeBinary(), [], { stdio: ["pipe", "pipe", "pipe"] });
    t.teardown(() => host.kill("SIGKILL"));
    await new ProbeSession("host", host.stdin, host.stdout, host.stderr).call(["sendvary", "4", OUT_ADDR, "9999", "5"]);
    t.is(await outside.arrive(), 5, "from the host (not forwarded)");

    // From a lab container the same datagrams are forwarded by the host, and dropped by the guard.
    t.like(await send(), { ret: 0, sent: 5 });
    t.is(await outside.none(), 0, "a lab container reached a network outside the lab");

    // Without the guard they would have gone out: the drop is the guard's doing, not an accident of routing.
    t.is(sh(`${nftBinary()} delete table inet ${GUARD_TABLE}`).status, 0);
    try {
      await send();
      t.is(await outside.arrive(), 5, "without the guard the host forwards them");
    } finally {
      ensureEgressGuard();
    }
  },
);
