// Guest kernels beyond the slots wait for one: runAll starts a slotted kernel's runs only while it holds
// a slot, and the host (no slot) runs at once. No clock: the fake backend's labs start when the test says.
import test from "ava";
import type { Backend, StartedLab } from "../../lab/backend/backend";
import type { KernelInfo } from "../../lab/kernel-info";
import { EventBus } from "../../lab/events/events";
import type { PlannedRun } from "../../lab/plan/plan";
import { runAll } from "../../lab/run/runner";
import { Slots } from "../../lab/run/slots";

/** A backend whose labs open only when the test releases them; it counts the labs open at once. */
class HeldBackend implements Backend {
  readonly name = "fake";
  constructor(private readonly log: Log) {}
  async prepare() {
    return { kernels: [], leftoversRemoved: {} };
  }
  async start(_spec: unknown, kernel: KernelInfo): Promise<StartedLab> {
    const log = this.log;
    await new Promise<void>((release) => log.waiting.push({ kernel: kernel.id, release }));
    return {
      actor: () => {
        throw new Error("no actors");
      },
      [Symbol.asyncDispose]: async () => void log.done.push(kernel.id),
    };
  }
  async abort() {}
  async [Symbol.asyncDispose]() {}
}

interface Log {
  waiting: Array<{ kernel: string; release: () => void }>;
  done: string[];
}

/** Lets every pending promise settle (one turn of the event loop, not a wait for time). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function runsOn(kernels: KernelInfo[], perKernel: number): PlannedRun[] {
  return kernels.flatMap((k) =>
    Array.from(
      { length: perKernel },
      (_, i) =>
        ({
          id: `c.v${i}@${k.id}`,
          case: { id: "c", file: "c.yaml" },
          variant: { name: `v${i}`, actors: [], namespaces: [], steps: [] },
          kernel: k,
        }) as unknown as PlannedRun,
    ),
  );
}

test("four guests on two slots: two run, two wait; each waiting one starts when a running one has finished all its runs", async (t) => {
  const kernels: KernelInfo[] = ["host", "g1", "g2", "g3", "g4"].map((id) => ({ id, release: id }));
  const log: Log = { waiting: [], done: [] };
  const backend = new HeldBackend(log);
  const slots = new Slots(2);
  const finished = runAll(runsOn(kernels, 2), () => backend, new EventBus(), kernels, {
    jobs: 2,
    slotsFor: (k) => (k === "host" ? undefined : slots),
  });

  await settle();
  const open = () => [...new Set(log.waiting.map((w) => w.kernel))].sort();
  t.deepEqual(open(), ["g1", "g2", "host"], "the host and the first two guests start; g3 and g4 wait");
  t.is(log.waiting.length, 6, "two runs at once on each of them (--jobs 2)");

  // g1 finishes one of its two runs: its slot stays taken.
  log.waiting
    .splice(
      log.waiting.findIndex((w) => w.kernel === "g1"),
      1,
    )[0]!
    .release();
  await settle();
  t.deepEqual(open(), ["g1", "g2", "host"]);

  // g1's last run ends: g3 takes its slot, g4 still waits.
  log.waiting
    .splice(
      log.waiting.findIndex((w) => w.kernel === "g1"),
      1,
    )[0]!
    .release();
  await settle();
  t.deepEqual(open(), ["g2", "g3", "host"]);

  // Releasing everything that starts lets the rest run to the end.
  while (log.waiting.length) {
    for (const w of log.waiting.splice(0)) w.release();
    await settle();
  }
  const results = await finished;
  t.is(results.length, 10);
  t.true(
    results.every((r) => r.outcome === "passed"),
    JSON.stringify(results.filter((r) => r.outcome !== "passed")),
  );
  t.true(
    log.done.indexOf("g4") > log.done.lastIndexOf("g1") || log.done.indexOf("g4") > log.done.lastIndexOf("g2"),
    "g4 ran only after g1 or g2 was done",
  );
});

test("a slot is given back when the work fails, and the next in line gets it", async (t) => {
  const slots = new Slots(1);
  const order: string[] = [];
  const first = slots.use(async () => {
    order.push("first");
    throw new Error("boot failed");
  });
  const second = slots.use(async () => void order.push("second"));
  await t.throwsAsync(first, { message: "boot failed" });
  await second;
  t.deepEqual(order, ["first", "second"]);
  t.throws(() => new Slots(0), { instanceOf: RangeError, message: /^slots: 0 is not a whole number of at least 1$/ });
  t.throws(() => new Slots(1.5), { instanceOf: RangeError });
  // The slot given back with no one waiting is free again: a later caller does not wait.
  t.is(await slots.use(async () => "again"), "again");
});
