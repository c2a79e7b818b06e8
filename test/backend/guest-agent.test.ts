// The guest agent (images/probe/agent.c, images/guest/PROTOCOL.md) in a real guest: its command lines,
// served concurrently, and each native request (spawn, kill, netns add/del, flush, sockstat, seed) with its
// refusals. One guest of the first kernel of images/kernels/kernels.yaml for the whole file.
import test from "ava";
import { GuestVm } from "../../lab/backend/vm/guest-vm";
import { readKernelsFile } from "../../lab/backend/vm/kernel-images";
import { prepareKernel } from "../../lab/backend/vm/kernel-source";
import type { GuestControl } from "../../lab/backend/vm/guest-control";
import { NamespaceSet } from "../../lab/backend/netns/netns-wiring";
import type { NetnsSpec } from "../../lab/backend/backend";

let vm: GuestVm;
let control: GuestControl;

test.before(async () => {
  const kernel = readKernelsFile()[0]!;
  const prepared = await prepareKernel(kernel);
  vm = await GuestVm.boot(kernel.id, prepared.dir);
  control = vm.host.control;
});
test.after.always(async () => {
  await vm?.[Symbol.asyncDispose]();
});

const ask = (line: string) => control.request(line);
const NETNS_USAGE =
  "usage: netns add|del NAME…, netns wire SWITCH NETNS,IPV4/LEN,IPV6/LEN…, netns sysctl NETNS KEY VALUE";

test.serial("a command line runs in bash: its output, stdout and stderr, then its status", async (t) => {
  t.deepEqual(await ask("echo one; echo two >&2; exit 7"), { status: 7, output: "one\ntwo" });
  t.deepEqual(await ask("printf 'no newline'"), { status: 0, output: "no newline" });
  t.like(await ask("if then"), { status: 2 });
  t.is((await ask(`printf '%04000d\\n' 5`)).output.length, 3500, "a long line is cut at 3500 bytes");
});

test.serial("requests are served concurrently: a later one is answered while an earlier one waits", async (t) => {
  await ask("rm -f /tmp/go");
  const order: string[] = [];
  const waiting = ask("while [ ! -e /tmp/go ]; do sleep 0.02; done; echo went").then((r) => (order.push("wait"), r));
  const go = ask(": > /tmp/go").then((r) => (order.push("go"), r));
  t.like(await go, { status: 0 });
  t.like(await waiting, { status: 0, output: "went" });
  t.deepEqual(order, ["go", "wait"]);
});

test.serial("netns add and del: namespaces under /run/netns, and their refusals", async (t) => {
  t.deepEqual(await ask("netns add ag-a ag-b"), { status: 0, output: "" });
  t.like(await ask("ip -n ag-a link show lo && ip -n ag-b link show lo"), { status: 0 });
  // A namespace of its own: a link made in one is not in the other, nor in the root namespace.
  t.like(await ask("ip -n ag-a link add d0 type veth peer name d1 && ip -n ag-a link show d0"), { status: 0 });
  t.like(await ask("ip -n ag-b link show d0"), { status: 1 });
  t.like(await ask("ip link show d0"), { status: 1 });
  const again = await ask("netns add ag-a");
  t.is(again.status, 1);
  t.regex(again.output, /cannot create namespace file "\/run\/netns\/ag-a": File exists/);
  t.deepEqual(await ask("netns add ag/x"), { status: 1, output: "netns: bad name 'ag/x' (letters, digits, . _ -)" });
  t.deepEqual(await ask("netns frob ag-a"), { status: 1, output: NETNS_USAGE });
  t.deepEqual(await ask("netns del ag-a ag-b"), { status: 0, output: "" });
  t.like(await ask("ip -n ag-a link show lo"), { status: 255 });
  const gone = await ask("netns del ag-a");
  t.is(gone.status, 1);
  t.regex(gone.output, /cannot remove namespace file "\/run\/netns\/ag-a": No such file or directory/);
});

test.serial("flush empties a namespace's neighbour table but keeps permanent entries", async (t) => {
  await ask("netns add ag-f");
  t.teardown(() => ask("netns del ag-f"));
  t.like(
    await ask(
      `printf '%s\\n' 'link add v0 type veth peer name v1' 'link set v1 up' 'link set v0 up' 'addr add 10.9.0.1/24 dev v0' | ip -n ag-f -batch -`,
    ),
    { status: 0 },
  );
  // The entries are shown in the table right before the flush: put in (again) until they are, at most three
  // times. Once (CI, Dec 7) the STALE and REACHABLE entries were gone before the check read them, which was
  // not reproduced since (a 5.10 guest, the host; v0's peer down or up: v1 is up now, so v0 has a carrier
  // and the kernel's own flush on carrier loss, neigh_carrier_down, cannot be it).
  const neigh = (addr: string, nud: string) => `neigh replace ${addr} lladdr 02:00:00:00:00:09 dev v0 nud ${nud}`;
  const entries = [neigh("10.9.0.2", "stale"), neigh("10.9.0.3", "permanent"), neigh("10.9.0.4", "reachable")];
  const shown = (table: string) => /10\.9\.0\.2 .*STALE/.test(table) && /10\.9\.0\.4 /.test(table);
  let before = "";
  for (let i = 0; i < 3 && !shown(before); i++) {
    t.like(await ask(`printf '%s\\n' ${entries.map((e) => `'${e}'`).join(" ")} | ip -n ag-f -batch -`), { status: 0 });
    before = (await ask("ip -n ag-f neigh show")).output;
  }
  t.regex(before, /10\.9\.0\.2 .*STALE/);
  t.regex(before, /10\.9\.0\.4 /);
  t.deepEqual(await ask("flush ag-f"), { status: 0, output: "" });
  const left = (await ask("ip -n ag-f neigh show")).output;
  t.regex(left, /10\.9\.0\.3 .*PERMANENT/);
  t.notRegex(left, /10\.9\.0\.2|10\.9\.0\.4/);
  t.like(await ask("ip -n ag-f tcp_metrics show"), { status: 0, output: "" });
  const missing = await ask("flush ag-none");
  t.is(missing.status, 1);
  t.regex(missing.output, /flush: no network namespace 'ag-none': No such file or directory/);
  t.deepEqual(await ask("flush"), { status: 1, output: "usage: flush NETNS…" });
});

test.serial("spawn, sockstat of the probe's namespace, kill: X 137; and their refusals", async (t) => {
  await ask("netns add ag-s");
  t.teardown(() => ask("netns del ag-s"));
  const probe = await vm.host.spawnProbe({ netns: "ag-s", uid: 1000, caps: [], label: "t" });
  const hello = await probe.session.call(["hello"]);
  t.like(hello, { uid: 1000 });
  const pid = Number(hello["pid"]);
  for (const call of [
    ["socket", "s", "tcp", "4"],
    ["bind", "s", "0.0.0.0", "5000"],
    ["listen", "s", "1"],
  ])
    t.like(await probe.session.call(call), { errno: null }, call.join(" "));
  const stat = await ask(`sockstat ${pid}`);
  t.is(stat.status, 0);
  t.regex(
    stat.output,
    new RegExp(`^${pid} TCP: inuse 1 orphan 0 tw 0 alloc 1 `, "m"),
    "the probe's socket, counted in its namespace",
  );
  t.regex(stat.output, new RegExp(`^${pid} TCP6: inuse 0`, "m"), "sockstat6 too");
  t.deepEqual(await ask("sockstat x1"), { status: 1, output: "sockstat: bad pid 'x1' (a number)" });
  t.regex((await ask("sockstat 999999")).output, /sockstat: \/proc\/999999\/net\/sockstat: No such file or directory/);

  t.deepEqual(await ask("kill 1x"), {
    status: 1,
    output: "kill: bad pid '1x' (a number; the signal is always SIGKILL)",
  });
  t.deepEqual(await ask("kill"), { status: 1, output: "usage: kill PID… (SIGKILL to each)" });
  probe.kill();
  t.deepEqual(await probe.exited, { code: 137, signal: "SIGKILL" });
  t.deepEqual(await ask("kill 999999"), { status: 1, output: "kill: 999999: No such process" });
});

test.serial("spawn refuses bad arguments before starting anything, with the agent's messages", async (t) => {
  await ask("netns add ag-r");
  t.teardown(() => ask("netns del ag-r"));
  const refusals: [string, string][] = [
    ["spawn reuselab.p0 ag-r 0", "usage: spawn <port-name> <netns> <uid> <caps> [init]"],
    ["spawn bad/port ag-r 0 -", "spawn: bad port name 'bad/port'"],
    ["spawn reuselab.p0 ag-none 0 -", "spawn: no network namespace 'ag-none' (create it first: ip netns add ag-none)"],
    ["spawn reuselab.p0 ag-r me -", "spawn: bad uid 'me' (a number)"],
    ["spawn reuselab.p0 ag-r 0 - later", "spawn: unknown option 'later' (init, or nothing)"],
    [
      "spawn reuselab.p0 ag-r 0 NET_ADMIN",
      "spawn: bad capability list 'NET_ADMIN' (like net_admin,setuid, or - for none)",
    ],
    ["spawn reuselab.p0 ag-r 0 net_admin,cap_frob", "spawn: unknown capability 'frob'"],
    ["spawn reuselab.nope ag-r 0 -", "spawn: no virtio port named 'reuselab.nope'"],
  ];
  for (const [line, message] of refusals) t.deepEqual(await ask(line), { status: 1, output: message }, line);
  // A port in use by a live probe: the device is busy. The first probe runs as root with net_admin.
  const first = await ask("spawn reuselab.p5 ag-r 0 cap_net_admin");
  t.like(first, { status: 0 });
  t.true(first.pid! > 0);
  const ended = new Promise<number>((resolve) => control.onExit("reuselab.p5", resolve));
  const busy = await ask("spawn reuselab.p5 ag-r 0 -");
  t.is(busy.status, 1);
  t.regex(busy.output, /^spawn: reuselab\.p5 \(\/dev\/vport\d+p\d+\): Device or resource busy$/);
  t.like(await ask(`kill ${first.pid!}`), { status: 0 });
  t.is(await ended, 137);
});

/** What `ip` shows of namespaces, without what differs between two equal sets: names, indexes, MACs, times. */
async function shown(names: string[]): Promise<string> {
  const views = ["-d link show", "addr show", "route show", "-6 route show", "neigh show"];
  const out: string[] = [];
  for (const name of names)
    for (const view of views) {
      // A dump the kernel changed while ip read it (DAD finishing, a bridge port starting to forward)
      // says so: read it again.
      let text = "";
      for (let i = 0; i < 5 && (i === 0 || text.includes("Dump was interrupted")); i++)
        text = (await ask(`ip -n ${name} ${view}`)).output;
      out.push(text);
    }
  return (
    out
      .join("\n")
      .replace(/ag-[a-z]+-/g, "NS-")
      .replace(/\b\d+: /g, "N: ")
      .replace(/@if\d+/g, "@ifN")
      .replace(/link-netns \S+/g, "link-netns NS")
      .replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, "MAC")
      .replace(/ (id|designated_root|bridge_id|designated_bridge|root_id|bridge_id) \S+/g, " $1 X")
      .replace(/(valid_lft|preferred_lft) \S+/g, "$1 X")
      .replace(
        /(hello_timer|tcn_timer|topology_change_timer|gc_timer|message_age_timer|forward_delay_timer|hold_timer) +\S+/g,
        "$1 X",
      )
      .replace(/fe80::\S+/g, "fe80::X")
      // What the kernel is still doing a moment after: duplicate address detection of link-local
      // addresses, a bridge whose ports are not forwarding yet.
      .replace(/ tentative/g, "")
      .replace(/state (UP|UNKNOWN)/g, "state S")
  );
}

test.serial("netns wire and sysctl make the same set as the ip script the host runs elsewhere", async (t) => {
  const namespaces: NetnsSpec[] = [
    { name: "server", sysctls: { "net.ipv4.tcp_fin_timeout": "5" } },
    { name: "client", sysctls: {} },
  ];
  const script = new NamespaceSet(namespaces, "ag-old");
  const native = new NamespaceSet(namespaces, "ag-new");
  t.teardown(async () => {
    await ask(`netns del ${[...script.allNames(), ...native.allNames()].join(" ")}`);
  });
  t.like(await ask(`set -o pipefail; ${script.setupScript()}`), { status: 0 });
  await vm.host.addNamespaces(native.allNames());
  await vm.host.wire(native.wiring());
  const [a, b] = [await shown(script.allNames()), await shown(native.allNames())];
  t.true(a.includes("master br0") && a.includes("10.214.0.3/24") && a.includes("224.0.0.0/4 dev eth0"), a);
  t.is(b, a);
  const fin = (name: string) => ask(`nsenter --net=/run/netns/${name} cat /proc/sys/net/ipv4/tcp_fin_timeout`);
  t.like(await fin(native.names[0]!), { output: "5" });
  t.like(await fin(native.names[1]!), { output: "60" });

  // Refusals and failures.
  t.deepEqual(await ask("netns wire ag-sw"), {
    status: 1,
    output: NETNS_USAGE,
  });
  t.deepEqual(await ask("netns wire ag-none ag-x,10.0.0.1/24,fd00::1/64"), {
    status: 1,
    output: "netns wire: no network namespace 'ag-none': No such file or directory",
  });
  t.deepEqual(await ask("netns wire ag-sw ag-x"), {
    status: 1,
    output: "netns wire: bad namespace 'ag-x' (NETNS,IPV4/LEN,IPV6/LEN)",
  });
  t.deepEqual(await ask(`netns sysctl ${native.names[0]!} kernel.hostname x`), {
    status: 1,
    output: "netns sysctl: bad key 'kernel.hostname' (net.…)",
  });
  t.regex(
    (await ask(`netns sysctl ${native.names[0]!} net.ipv4.no_such 1`)).output,
    /^netns sysctl: \/proc\/sys\/net\/ipv4\/no_such: No such file or directory$/,
  );
});

test.serial("seed mixes the host's bytes into the guest's generator and reseeds it; and its refusals", async (t) => {
  const usage = "usage: seed HEX (16 to 256 bytes of the host's randomness, in lower-case hex)";
  t.deepEqual(await ask(`seed ${"5a".repeat(64)}`), { status: 0, output: "" });
  t.deepEqual(await ask("seed"), { status: 1, output: usage });
  t.deepEqual(await ask(`seed ${"5a".repeat(15)}`), { status: 1, output: usage }, "fewer than 16 bytes");
  t.deepEqual(await ask(`seed ${"5a".repeat(257)}`), { status: 1, output: usage }, "more than 256 bytes");
  t.deepEqual(await ask(`seed ${"5a".repeat(16)}0`), { status: 1, output: usage }, "half a byte");
  t.deepEqual(await ask(`seed ${"5a".repeat(16)} 00`), { status: 1, output: usage }, "two words");
  t.deepEqual(await ask(`seed ${"5A".repeat(16)}`), {
    status: 1,
    output: "seed: '5A' is not a lower-case hex byte",
  });
});
