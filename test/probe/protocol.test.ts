import test from "ava";
import { PassThrough } from "node:stream";
import { encodeCommand, parseReply } from "../../lab/probe/protocol";
import { ProbeSession } from "../../lab/probe/probe-session";

test("replies: the kernel's answer, or a refusal", (t) => {
  t.deepEqual(parseReply('{"seq":3,"cmd":"bind","ret":-1,"errno":"EADDRINUSE"}'), {
    seq: 3,
    cmd: "bind",
    ret: -1,
    errno: "EADDRINUSE",
  });
  t.like(parseReply('{"seq":4,"cmd":"x","error":"unknown command \'x\'"}'), { error: "unknown command 'x'" });
  t.throws(() => parseReply("bind ok"), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => parseReply("[1]"), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => parseReply('{"seq":1,"cmd":"bind"}'), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => parseReply('{"seq":1,"cmd":"bind","ret":"0","errno":null}'), { code: "REUSELAB_PROBE_PROTOCOL" });
});

test("commands: one line of words, never a word with whitespace", (t) => {
  t.is(encodeCommand(["bind", "s1", "0.0.0.0", "8080"]), "bind s1 0.0.0.0 8080\n");
  t.throws(() => encodeCommand(["bind", "s1 x"]), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => encodeCommand(["bind", ""]), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => encodeCommand(["a\nhello"]), { code: "REUSELAB_PROBE_PROTOCOL" });
  t.throws(() => encodeCommand(["bind\u0000"]), { code: "REUSELAB_PROBE_PROTOCOL" });
});

function fakeProbe() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: string[] = [];
  stdin.setEncoding("utf8");
  stdin.on("data", (d: string) => lines.push(...d.split("\n").filter(Boolean)));
  return { stdin, stdout, lines, session: new ProbeSession("fake", stdin, stdout) };
}

test("the session pairs replies with calls by seq, even out of order", async (t) => {
  const { stdout, lines, session } = fakeProbe();
  const a = session.call(["hello"]);
  const b = session.call(["sleep", "1"]);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(lines, ["hello", "sleep 1"]);
  stdout.write('{"seq":2,"cmd":"sleep","ret":0,"errno":null}\n{"seq":1,"cmd":"hel');
  stdout.write('lo","ret":0,"errno":null,"uid":7}\n');
  t.like(await a, { cmd: "hello", uid: 7 });
  t.like(await b, { cmd: "sleep" });
});

test("a late reply after a timeout is not given to the next call", async (t) => {
  const { stdout, session } = fakeProbe();
  await t.throwsAsync(session.call(["sleep", "500"], 20), {
    code: "REUSELAB_TIMEOUT",
    message: /'sleep 500' got no answer after 20ms/,
  });
  const next = session.call(["hello"]);
  stdout.write('{"seq":1,"cmd":"sleep","ret":0,"errno":null}\n');
  stdout.write('{"seq":2,"cmd":"hello","ret":0,"errno":null}\n');
  t.like(await next, { seq: 2, cmd: "hello" });
});

test("when the probe's output ends, pending and later calls fail with ACTOR_EXITED", async (t) => {
  const { stdout, session } = fakeProbe();
  const pending = session.call(["accept", "s1", "1", "5000"]);
  stdout.end();
  await t.throwsAsync(pending, { code: "REUSELAB_ACTOR_EXITED" });
  await session.closed;
  await t.throwsAsync(session.call(["hello"]), { code: "REUSELAB_ACTOR_EXITED" });
});
