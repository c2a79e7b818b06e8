// The start-up check every backend makes of an actor's probe (lab/backend/probe-hello.ts), and the
// exit mapping they share (exit-status.ts), against a scripted probe: no engine, root or QEMU.
import test from "ava";
import { PassThrough } from "node:stream";
import { exitInfo } from "../../lab/backend/exit-status";
import { checkHello, recycled } from "../../lab/backend/probe-hello";
import { ProbeSession } from "../../lab/probe/probe-session";

/** A probe that answers hello (and recycle) with `uid` and `release`. */
function scriptedProbe(uid: number, release: string): ProbeSession {
  const input = new PassThrough();
  const output = new PassThrough();
  let seq = 0;
  input.setEncoding("utf8");
  input.on("data", (chunk: string) => {
    for (const cmd of chunk.split("\n").filter(Boolean)) {
      seq = cmd === "recycle" ? 0 : seq + 1;
      const extra = cmd === "hello" ? { uid, release, pid: 42 } : {};
      output.write(`${JSON.stringify({ seq: cmd === "recycle" ? 1 : seq, cmd, ret: 0, errno: null, ...extra })}\n`);
    }
  });
  return new ProbeSession("victim (case.v@host)", input, output);
}

test("a probe running as the actor's uid on the lab's kernel passes the check", async (t) => {
  await t.notThrowsAsync(checkHello(scriptedProbe(1000, "6.1.0-1-amd64"), 1000, "6.1.0-1-amd64"));
});

test("a probe running as another uid fails with REUSELAB_ACTOR_MISPLACED, naming the actor and both uids", async (t) => {
  const e = await t.throwsAsync(checkHello(scriptedProbe(0, "6.1.0-1-amd64"), 1000, "6.1.0-1-amd64"));
  t.is((e as { code?: string }).code, "REUSELAB_ACTOR_MISPLACED");
  t.is(e?.message, "victim (case.v@host) runs as uid 0, not 1000");
});

test("a probe running on another kernel fails with REUSELAB_ACTOR_MISPLACED, naming both releases", async (t) => {
  const e = await t.throwsAsync(checkHello(scriptedProbe(1000, "5.10.0-9-amd64"), 1000, "6.1.0-1-amd64"));
  t.is((e as { code?: string }).code, "REUSELAB_ACTOR_MISPLACED");
  t.is(e?.message, "victim (case.v@host) runs on kernel 5.10.0-9-amd64, not 6.1.0-1-amd64");
});

test("a recycled probe is kept only when it answers as the same uid on the same kernel", async (t) => {
  t.like(await recycled(scriptedProbe(1000, "6.1"), 1000, "6.1"), { uid: 1000, pid: 42 });
  t.is(await recycled(scriptedProbe(1001, "6.1"), 1000, "6.1"), undefined);
  t.is(await recycled(scriptedProbe(1000, "6.12"), 1000, "6.1"), undefined);
});

test("exit statuses: 128+N is signal N, a signal is named, an unknown end has neither", (t) => {
  t.deepEqual(exitInfo(137), { code: 137, signal: "SIGKILL" });
  t.deepEqual(exitInfo(3), { code: 3, signal: null });
  t.deepEqual(exitInfo(128), { code: 128, signal: null });
  t.deepEqual(exitInfo(null, "SIGTERM"), { code: null, signal: "SIGTERM" });
  t.deepEqual(exitInfo(null), { code: null, signal: null });
});
