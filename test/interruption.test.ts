// The one interruption path (lab/interruption.ts): every way to stop gives a LabError REUSELAB_INTERRUPTED
// (or REUSELAB_TIMEOUT), and the exit status comes from the error's code (lab/exit-codes.ts).
import test from "ava";
import { LabError } from "../lab/errors";
import { EXIT, exitStatusOf } from "../lab/exit-codes";
import { interruptible, stopSignal, throwIfInterrupted, unlessStopped } from "../lab/interruption";

test("the exit status of an error: 130 when interrupted, 2 for anything else", (t) => {
  t.is(exitStatusOf(new LabError("REUSELAB_INTERRUPTED", "x")), 130);
  t.is(EXIT.interrupted, 130);
  t.is(exitStatusOf(new LabError("REUSELAB_TIMEOUT", "x")), 2);
  t.is(exitStatusOf(new LabError("REUSELAB_BAD_ARGS", "x")), 2);
});

test("throwIfInterrupted: nothing until the signal fires, then REUSELAB_INTERRUPTED naming what", (t) => {
  const c = new AbortController();
  t.notThrows(() => throwIfInterrupted(c.signal, "the bench"));
  t.notThrows(() => throwIfInterrupted(undefined, "the bench"));
  c.abort();
  const e = t.throws(() => throwIfInterrupted(c.signal, "the bench"), { instanceOf: LabError });
  t.is(e?.code, "REUSELAB_INTERRUPTED");
  t.is(e?.message, "the bench was interrupted");
});

test.serial(
  "interruptible: SIGINT aborts its signal with REUSELAB_INTERRUPTED naming the signal, runs `also`, and is heard only while in scope",
  (t) => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
    const before = process.listenerCount("SIGINT");
    let also = 0;
    try {
      using i = interruptible("bench: interrupted; removing the lab", () => void also++);
      t.is(process.listenerCount("SIGINT"), before + 1);
      process.emit("SIGINT", "SIGINT");
      t.true(i.signal.aborted);
      t.true(i.signal.reason instanceof LabError);
      t.is((i.signal.reason as LabError).code, "REUSELAB_INTERRUPTED");
      t.is((i.signal.reason as LabError).message, "bench was interrupted by SIGINT");
      t.is(also, 1);
    } finally {
      process.stderr.write = write;
    }
    t.deepEqual(written, ["\nbench: interrupted; removing the lab\n"]);
    t.is(process.listenerCount("SIGINT"), before);
  },
);

test("stopSignal: a caller's abort becomes REUSELAB_INTERRUPTED; the time limit REUSELAB_TIMEOUT; unlessStopped rejects with it", async (t) => {
  const c = new AbortController();
  {
    using s = stopSignal("the demo", c.signal, Infinity);
    const pending = unlessStopped(new Promise<never>(() => undefined), s.signal);
    c.abort();
    const e = await t.throwsAsync(pending, { instanceOf: LabError });
    t.is(e?.code, "REUSELAB_INTERRUPTED");
    t.is(e?.message, "the demo was interrupted");
  }
  {
    using s = stopSignal("the demo", new AbortController().signal, 1);
    const e = await t.throwsAsync(unlessStopped(new Promise<never>(() => undefined), s.signal), {
      instanceOf: LabError,
    });
    t.is(e?.code, "REUSELAB_TIMEOUT");
  }
});

test.serial(
  "stopSignal with no caller listens to SIGINT itself (through interruptible), and only while in scope",
  (t) => {
    const before = process.listenerCount("SIGINT");
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      using s = stopSignal("the demo", undefined, Infinity);
      t.is(process.listenerCount("SIGINT"), before + 1);
      process.emit("SIGINT", "SIGINT");
      t.is((s.signal.reason as LabError).code, "REUSELAB_INTERRUPTED");
      t.is((s.signal.reason as LabError).message, "the demo was interrupted by SIGINT");
    } finally {
      process.stderr.write = write;
    }
    t.is(process.listenerCount("SIGINT"), before);
  },
);
