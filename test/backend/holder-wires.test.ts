// The two wires a docker run slot can have (holder-pool.ts): as root a switch namespace of the lab's
// own (switch-namespace.ts), else a Docker lab network. The docker backend as root always takes the
// first, so the second is tested here on a pool without the host agent, as a user who is not root has
// it. Each wire must carry datagrams between a run's namespaces (IPv4 and IPv6), and leave nothing.
import test, { type ExecutionContext } from "ava";
import Docker from "dockerode";
import { removeLabelled } from "../../lab/backend/docker/cleanup";
import { HolderPool, type Holder } from "../../lab/backend/docker/holder-pool";
import { HostAgent } from "../../lab/backend/docker/host-agent";
import { ProbeContainer } from "../../lab/backend/docker/lab-container";
import { labLabels, newRunLabel } from "../../lab/backend/docker/labels";
import { ensureProbeImage } from "../../lab/backend/docker/probe-image";
import { labelled, switches } from "../e2e/helpers";

const docker = new Docker();
const namespaces = [
  { name: "a", sysctls: {} },
  { name: "b", sysctls: {} },
];

/** A probe as uid 1000 in holder `h`'s namespace, removed at the test's end. */
async function probeIn(t: ExecutionContext, image: string, label: string, h: Holder) {
  const c = new ProbeContainer(docker, image, labLabels(label), `probe in ${h.id.slice(0, 12)}`)
    .withNetworkMode(`container:${h.id}`)
    .withUser("1000:1000");
  const started = await c.start();
  t.teardown(() => docker.getContainer(started.getId()).remove({ force: true }));
  return c.session!;
}

/** Whatever a failed test left: the pool's wires, and every container and network of its label. */
async function leaveNothing(label: string, pool: HolderPool): Promise<void> {
  await removeLabelled(docker, `reuselab.run=${label}`);
  await pool.removeWires();
}

/** Whether container `id` is gone. */
const gone = (id: string) =>
  docker
    .getContainer(id)
    .inspect()
    .then(
      () => false,
      (e: { statusCode?: number }) => e.statusCode === 404,
    );

/** 5 datagrams from a's namespace to b's address, for each family: each must arrive. */
async function carries(t: ExecutionContext, image: string, label: string, a: Holder, b: Holder): Promise<void> {
  const [from, to] = [await probeIn(t, image, label, a), await probeIn(t, image, label, b)];
  for (const [family, address] of [
    ["4", b.addresses[0]],
    ["6", b.addresses[1]],
  ] as const) {
    t.like(await to.call(["socket", `s${family}`, "udp", family]), { errno: null });
    t.like(await to.call(["bind", `s${family}`, address, "9999"]), { ret: 0 }, `bind ${address}`);
    t.like(await from.call(["sendvary", family, address, "9999", "5"]), { ret: 0, sent: 5 });
    // recv returns once 5 came: where they must come it waits as long as it takes (ava's timeout is the bound).
    t.like(await to.call(["recv", `s${family}`, "5", "600000"], 610_000), { received: 5 }, `to ${address}`);
  }
}

test.serial("without the host agent a slot is a Docker lab network: it carries datagrams and is removed", async (t) => {
  const image = await ensureProbeImage(docker);
  const label = newRunLabel();
  const pool = new HolderPool(docker, image, label, labLabels(label));
  t.teardown(() => leaveNothing(label, pool));
  {
    const lease = await pool.lease(namespaces, []);
    const [a, b] = [lease.holders.get("a")!, lease.holders.get("b")!];
    for (const h of [a, b]) {
      t.regex(h.addresses[0], /^10\.213\.\d+\.\d+$/);
      t.regex(h.addresses[1], /^fd00:213:/);
      t.is((await docker.getContainer(h.id).inspect()).HostConfig.NetworkMode, `${label}-0`);
    }
    t.is(labelled(`reuselab.run=${label}`).networks, 1);
    await carries(t, image, label, a, b);
    await lease.release(new Set());
  }
  await pool[Symbol.asyncDispose]();
  t.deepEqual(labelled(`reuselab.run=${label}`).networks, 0, "the lab network is removed");
});

test.serial("with it a slot is a switch namespace: it carries datagrams, and is deleted with its veths", async (t) => {
  const image = await ensureProbeImage(docker);
  const label = newRunLabel();
  await using agent = await HostAgent.start();
  const pool = new HolderPool(docker, image, label, labLabels(label), agent, `rl-${process.pid}-swtest-`);
  t.teardown(() => leaveNothing(label, pool));
  const ids: string[] = [];
  {
    const lease = await pool.lease(namespaces, []);
    const [a, b] = [lease.holders.get("a")!, lease.holders.get("b")!];
    // Made at once, the two take .2 and .3 in whichever order their containers start.
    t.deepEqual([a.addresses, b.addresses].sort(), [
      ["10.215.0.2", "fd00:215::2"],
      ["10.215.0.3", "fd00:215::3"],
    ]);
    t.deepEqual(switches(process.pid), [`rl-${process.pid}-swtest-0`]);
    t.is(labelled(`reuselab.run=${label}`).networks, 0, "no Docker network");
    await carries(t, image, label, a, b);
    ids.push(a.id, b.id);
    await lease.release(new Set(["b"])); // b is removed (as after NET_ADMIN), a is kept for another run
    t.true(await gone(b.id));
    t.false(await gone(a.id));
  }
  await pool[Symbol.asyncDispose]();
  t.deepEqual(switches(process.pid), [], "the switch is deleted");
  t.true(await gone(ids[0]!), "the kept holder is removed with the pool");
});
