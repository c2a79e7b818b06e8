/**
 * The Lab builder on the netns backend (root, no engine): what the kernel answers to typed calls (the
 * uid rule of SO_REUSEPORT, the UDP hijack's datagram counts, a TCP accept), bad declarations and
 * calls as LabError REUSELAB_BAD_LAB before anything runs, and no namespace or probe process left
 * after stop(), `await using`, a test body that throws, a stop while a call waits, an aborted signal,
 * or the test's process killed.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Lab, LabError } from "../../lab";
import { procStat } from "../../lab/process-stat";

/** A process's lab namespaces (named rl-<pid>-…). */
const namespaces = (pid = process.pid) => readdirSync("/run/netns").filter((n) => n.startsWith(`rl-${pid}-`));

/** A process's children, by their program's name (ps's comm): from /proc/PID/stat, which (unlike cmdline) never waits on another process. */
function children(parent: number, comm: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) === comm && procStat(pid)?.ppid === parent;
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** A process's probes (nsenter and setpriv exec into the probe). */
const probes = (parent = process.pid) => children(parent, "probe");
/** A process's namespace watchers (namespace-reaper.ts): shells that delete its labs' namespaces when it ends. */
const reapers = (parent = process.pid) => children(parent, "sh");

const badLab = { instanceOf: LabError, code: "REUSELAB_BAD_LAB" } as const;

test.serial(
  "SO_REUSEPORT: a second bind of the same uid joins the group, another uid's is EADDRINUSE; stop() leaves nothing",
  async (t) => {
    const lab = await new Lab({ backend: "netns" })
      .actor("victim", { uid: 1000 })
      .actor("twin", { uid: 1000, netns: "victim" })
      .actor("attacker", { uid: 1001, netns: "victim" })
      .start();
    try {
      t.is(namespaces().length, 2, "the victim's namespace and the lab's switch");
      t.is(probes().length, 3);
      t.is(reapers().length, 1, "a watcher deletes the namespaces if this process ends first");
      const first = await lab.actor("victim").bind("udp", "$victim:5353", { reuseport: true });
      t.like(first, { ok: true, ret: 0, socket: "s1", call: "victim: bind udp $victim:5353 reuseport" });
      t.is(first.errno, undefined);
      t.like(await lab.actor("twin").bind("udp", "$victim:5353", { reuseport: true }), { ok: true, ret: 0 });
      const attacker = await lab.actor("attacker").bind("udp", "$victim:5353", { reuseport: true });
      t.like(attacker, { ok: false, ret: -1, errno: "EADDRINUSE" });
      t.regex(attacker.trace.at(-1)!, /^bind s1 10\.214\.0\.2 5353 = -1 EADDRINUSE$/);
    } finally {
      await lab.stop();
    }
    t.deepEqual(namespaces(), []);
    t.deepEqual(probes(), []);
    t.deepEqual(reapers(), []);
  },
);

test.serial(
  "the UDP hijack: another uid's specific bind takes every datagram from a wildcard SO_REUSEADDR victim; TCP accept counts",
  async (t) => {
    await using lab = await new Lab({ backend: "netns" })
      .actor("victim", { uid: 1000, sysctls: { "net.ipv4.ip_unprivileged_port_start": 0 } })
      .actor("attacker", { uid: 1001, netns: "victim" })
      .actor("client", { uid: 1002 })
      .start();
    const [victim, attacker, client] = [lab.actor("victim"), lab.actor("attacker"), lab.actor("client")];
    t.true(
      (await victim.bind("udp", "0.0.0.0:53", { reuseaddr: true })).ok,
      "port 53 needs the namespace's sysctl for uid 1000",
    );
    t.true((await attacker.bind("udp", "$victim:53", { reuseaddr: true })).ok);
    await client.bind("udp", "0.0.0.0:0");
    t.like(await client.send(20, "$victim:53"), { ok: true, count: 20 });
    t.is(await attacker.recv({ atLeast: 20 }), 20);
    t.is(await victim.recv(), 0);

    t.true((await victim.bind("tcp", "$victim:8080", { as: "web" })).ok);
    t.true((await victim.listen({ on: "web" })).ok);
    t.like(await client.connect("tcp", "$victim:8080"), { ok: true, socket: "s2" });
    t.is(await victim.accept({ on: "web" }), 1);
    t.like(await victim.close("web"), { ok: true });
  },
);

test.serial(
  "a test body that throws inside 'await using': the lab is removed, no namespace or probe left",
  async (t) => {
    await t.throwsAsync(
      async () => {
        await using lab = await new Lab({ backend: "netns" })
          .actor("victim", { uid: 1000 })
          .actor("attacker", { uid: 1001 })
          .start();
        t.is(namespaces().length, 3, "while it runs: two namespaces and the switch");
        t.is(probes().length, 2);
        await lab.actor("victim").bind("udp", "$victim:5353");
        throw new Error("the test's own assertion failed");
      },
      { message: "the test's own assertion failed" },
    );
    t.deepEqual(namespaces(), []);
    t.deepEqual(probes(), []);
  },
);

test.serial(
  "stop() while a recv waits: the call fails with REUSELAB_ACTOR_EXITED, nothing is left, later calls are REUSELAB_BAD_LAB",
  async (t) => {
    const lab = await new Lab({ backend: "netns" }).actor("victim", { uid: 1000 }).start();
    const victim = lab.actor("victim");
    await victim.bind("udp", "$victim:5353");
    const waiting = victim.recv({ atLeast: 1, withinMs: 60_000 });
    await lab.stop();
    await t.throwsAsync(waiting, { instanceOf: LabError, code: "REUSELAB_ACTOR_EXITED" });
    t.deepEqual(namespaces(), []);
    t.deepEqual(probes(), []);
    const after = await t.throwsAsync(victim.close(), badLab);
    t.is(after?.message, "victim: close: the lab was stopped");
  },
);

test.serial(
  "its signal aborts (a node:test t.signal, a timeout): before or during start, REUSELAB_INTERRUPTED; after, the lab is removed under the waiting call",
  async (t) => {
    const declared = (signal: AbortSignal) => new Lab({ backend: "netns", signal }).actor("victim", { uid: 1000 });
    await t.throwsAsync(declared(AbortSignal.abort()).start(), {
      instanceOf: LabError,
      code: "REUSELAB_INTERRUPTED",
      message: "lab was not started: its signal aborted",
    });
    const during = new AbortController();
    const starting = declared(during.signal).start();
    during.abort();
    await t.throwsAsync(starting, { instanceOf: LabError, code: "REUSELAB_INTERRUPTED" });
    t.deepEqual(namespaces(), []);
    t.deepEqual(probes(), []);

    const after = new AbortController();
    const lab = await declared(after.signal).start();
    await lab.actor("victim").bind("udp", "$victim:5353");
    const waiting = lab.actor("victim").recv({ atLeast: 1, withinMs: 60_000 });
    after.abort();
    await t.throwsAsync(waiting, { instanceOf: LabError, code: "REUSELAB_ACTOR_EXITED" });
    await lab.stop(); // the removal the abort began
    t.deepEqual(namespaces(), []);
    t.deepEqual(probes(), []);
  },
);

test.serial(
  "a process killed with its lab running (a test runner's timeout, SIGKILL): its probes die and its watcher deletes the namespaces",
  async (t) => {
    const script = `require("./lab").Lab && new (require("./lab").Lab)({ backend: "netns" }).actor("victim", { uid: 1000 }).actor("attacker", { uid: 1001 }).start().then(() => console.log("started"))`;
    const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    t.teardown(() => void child.kill("SIGKILL")); // also when an assertion before the kill fails
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => d.toString().includes("started") && resolve());
      child.on("exit", (code) => reject(new Error(`the child exited (${code}) before its lab started`)));
    });
    const pid = child.pid!;
    t.is(namespaces(pid).length, 3, "two namespaces and the switch");
    const itsProbes = probes(pid);
    t.is(itsProbes.length, 2);
    const [watcher] = reapers(pid);
    t.truthy(watcher);
    child.kill("SIGKILL");
    await exited;
    // The watcher reads end of file, deletes, exits; the probes get their SIGKILL. Bounded, not slept on.
    const gone = (p: number) => !existsSync(`/proc/${p}`) || procStat(p)?.state === "Z";
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && ![watcher!, ...itsProbes].every(gone);)
      await sleep(20);
    t.true(gone(watcher!), "the watcher exited");
    t.deepEqual(namespaces(pid), []);
    t.deepEqual(
      itsProbes.filter((p) => !gone(p)),
      [],
    );
  },
);

test.serial(
  "bad declarations: a LabError REUSELAB_BAD_LAB naming the actor and the fix, before anything is made",
  (t) => {
    const twice = t.throws(() => new Lab().actor("victim", { uid: 1000 }).actor("victim", { uid: 1001 }), badLab);
    t.is(twice?.message, "actor 'victim' is declared twice; give each actor its own name");
    const peer = t.throws(
      () => new Lab().actor("victim", { uid: 1000 }).actor("attacker", { uid: 1001, netns: "victm" }),
      badLab,
    );
    t.is(
      peer?.message,
      "actor 'attacker' shares the netns of 'victm', which is not declared before it; did you mean 'victim'?",
    );
    t.throws(() => new Lab().actor("Victim", { uid: 1000 }), {
      ...badLab,
      message: /actor 'Victim': a name is lower-case letters/,
    });
    t.throws(() => new Lab().actor("victim", { uid: -1 }), {
      ...badLab,
      message: /actor 'victim': uid -1 is not a whole number/,
    });
    t.throws(() => new Lab().actor("victim", { uid: 1000, sysctls: { "net.core.rmem_max": 1 } }), {
      ...badLab,
      message: /'net.core.rmem_max' is not a per-network-namespace sysctl/,
    });
    t.throws(() => new Lab({ backend: "vm" as "netns" }), {
      ...badLab,
      message: "backend 'vm' is not one of docker, netns",
    });
    t.deepEqual(namespaces(), []);
  },
);

test.serial(
  "bad calls: an unknown actor in '$name', an unknown option, an unknown actor: REUSELAB_BAD_LAB, and the lab goes on",
  async (t) => {
    await t.throwsAsync(new Lab().start(), { ...badLab, message: /lab has no actor/ });
    await using lab = await new Lab({ backend: "netns" }).actor("victim", { uid: 1000 }).start();
    const victim = lab.actor("victim");
    const address = await t.throwsAsync(victim.bind("udp", "$victm:5353"), badLab);
    t.is(
      address?.message,
      "victim: bind udp $victm:5353: unknown actor 'victm' in address '$victm'; did you mean 'victim'?",
    );
    await t.throwsAsync(victim.bind("udp", "$victim:5353", { reuseadr: true } as object), {
      ...badLab,
      message: "victim: bind udp $victim:5353 reuseadr: unknown socket option 'reuseadr'; did you mean 'reuseaddr'?",
    });
    await t.throwsAsync(victim.listen(), { ...badLab, message: /victim: listen: victim has no socket yet/ });
    t.throws(() => lab.actor("nobody"), { ...badLab, message: "lab has no actor 'nobody'; its actors: victim" });
    t.like(await victim.bind("udp", "$victim:5353"), { ok: true, socket: "s1" }, "a refused call made no socket");
  },
);
