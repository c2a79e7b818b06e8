// The start-up check every backend makes of an actor's probe (lab/backend/probe-hello.ts), and the
// exit mapping they share (exit-status.ts), against a scripted probe: no engine, root or QEMU.
import test from "ava";
import { PassThrough } from "node:stream";
import { exitInfo } from "../../lab/backend/exit-status";
import { checkHello, recycled, type Credentials } from "../../lab/backend/probe-hello";
import { ProbeSession } from "../../lab/probe/probe-session";

/** What a probe's hello says of it, besides its kernel: by default an actor of `uid` with no capability. */
interface Said {
  uid: number;
  gid?: number;
  caps?: number;
  bounding?: number;
}

/**
 * A probe that answers hello with `said` and `release`, and recycle by becoming the uid it is asked
 * for (as `probe init-as` does); `sent` collects the lines it got.
 */
function scriptedProbe(said: Said | number, release: string, sent: string[] = []): ProbeSession {
  const who: Said = typeof said === "number" ? { uid: said } : said;
  const input = new PassThrough();
  const output = new PassThrough();
  let seq = 0;
  input.setEncoding("utf8");
  input.on("data", (chunk: string) => {
    for (const cmd of chunk.split("\n").filter(Boolean)) {
      sent.push(cmd);
      const [name, asked] = cmd.split(" ");
      if (name === "recycle" && asked !== undefined) Object.assign(who, { uid: Number(asked), gid: Number(asked) });
      seq = name === "recycle" ? 0 : seq + 1;
      const extra =
        name === "hello" ? { euid: who.uid, gid: who.uid, caps: 0, bounding: 0, ...who, release, pid: 42 } : {};
      output.write(
        `${JSON.stringify({ seq: name === "recycle" ? 1 : seq, cmd: name, ret: 0, errno: null, ...extra })}\n`,
      );
    }
  });
  return new ProbeSession("victim (case.v@host)", input, output);
}

const plain = (uid: number): Credentials => ({ uid, caps: [] });

test("a probe running as the actor's uid on the lab's kernel passes the check", async (t) => {
  await t.notThrowsAsync(checkHello(scriptedProbe(1000, "6.1.0-1-amd64"), plain(1000), "6.1.0-1-amd64"));
});

test("a probe running as another uid fails with REUSELAB_ACTOR_MISPLACED, naming the actor and both uids", async (t) => {
  const e = await t.throwsAsync(checkHello(scriptedProbe(0, "6.1.0-1-amd64"), plain(1000), "6.1.0-1-amd64"));
  t.is((e as { code?: string }).code, "REUSELAB_ACTOR_MISPLACED");
  t.is(e?.message, "victim (case.v@host) runs as uid 0, not 1000");
});

test("a probe running on another kernel fails with REUSELAB_ACTOR_MISPLACED, naming both releases", async (t) => {
  const e = await t.throwsAsync(checkHello(scriptedProbe(1000, "5.10.0-9-amd64"), plain(1000), "6.1.0-1-amd64"));
  t.is((e as { code?: string }).code, "REUSELAB_ACTOR_MISPLACED");
  t.is(e?.message, "victim (case.v@host) runs on kernel 5.10.0-9-amd64, not 6.1.0-1-amd64");
});

test("a probe of another gid, or holding a capability its actor does not name, is misplaced", async (t) => {
  const check = (said: Said, actor = plain(1000)) => checkHello(scriptedProbe(said, "6.1"), actor, "6.1");
  const message = async (said: Said) => (await t.throwsAsync(check(said)))?.message;
  t.is(await message({ uid: 1000, gid: 0 }), "victim (case.v@host) runs as gid 0, not 1000");
  t.is(
    await message({ uid: 1000, caps: 1024 }),
    "victim (case.v@host) holds capabilities (mask 1024, bounding set 0), not none",
  );
  t.is(
    await message({ uid: 1000, bounding: 4096 }),
    "victim (case.v@host) holds capabilities (mask 0, bounding set 4096), not none",
  );
  // A probe that does not say (an older protocol) is not taken for one with none.
  t.regex((await message({ uid: 1000, caps: undefined as unknown as number })) ?? "", /holds capabilities/);
  await t.notThrowsAsync(check({ uid: 0, caps: 4096, bounding: 4096 }, { uid: 0, caps: ["NET_ADMIN"] }));
});

test("a recycled probe is kept only when it answers as the actor on the same kernel; init-as is asked for the uid", async (t) => {
  t.like(await recycled(scriptedProbe(1000, "6.1"), plain(1000), "6.1"), { uid: 1000, pid: 42 });
  t.is(await recycled(scriptedProbe(1001, "6.1"), plain(1000), "6.1"), undefined);
  t.is(await recycled(scriptedProbe(1000, "6.12"), plain(1000), "6.1"), undefined);
  t.is(await recycled(scriptedProbe({ uid: 1000, caps: 1 }, "6.1"), plain(1000), "6.1"), undefined);
  const sent: string[] = [];
  t.like(await recycled(scriptedProbe(1001, "6.1", sent), plain(1000), "6.1", true), { uid: 1000, gid: 1000 });
  t.deepEqual(sent, ["recycle 1000", "hello"]);
});

test("exit statuses: 128+N is signal N, a signal is named, an unknown end has neither", (t) => {
  t.deepEqual(exitInfo(137), { code: 137, signal: "SIGKILL" });
  t.deepEqual(exitInfo(3), { code: 3, signal: null });
  t.deepEqual(exitInfo(128), { code: 128, signal: null });
  t.deepEqual(exitInfo(null, "SIGTERM"), { code: null, signal: "SIGTERM" });
  t.deepEqual(exitInfo(null), { code: null, signal: null });
});
