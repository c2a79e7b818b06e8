// The host's side of the guest agent protocol (images/guest/PROTOCOL.md), against a scripted agent.
import test from "ava";
import { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { GuestControl } from "../../lab/backend/vm/guest-control";
import { GuestHost } from "../../lab/backend/vm/guest-host";

/** A fake control socket: `sent` collects what the host wrote, `say` plays the agent's lines. */
function fakeSocket() {
  const sent: string[] = [];
  const sock = new Duplex({
    read() {},
    write(chunk, _enc, done) {
      sent.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const say = (line: string) => sock.push(`${line}\n`);
  return { sock: sock as unknown as Socket, sent, say };
}

const tick = () => new Promise((r) => setImmediate(r));

test("READY, then requests answered by O lines and R with the status", async (t) => {
  const { sock, sent, say } = fakeSocket();
  const control = new GuestControl(sock, "guest");
  say("READY 6.1.0-50-cloud-amd64");
  t.is(await control.ready, "6.1.0-50-cloud-amd64");
  const a = control.request("ip netns add x");
  const b = control.request("false");
  await tick();
  t.deepEqual(sent, ["1 ip netns add x", "2 false"]);
  say("O 2 some error");
  say("R 2 1");
  say("O 1 fine");
  say("R 1 0");
  t.deepEqual(await a, { status: 0, output: "fine" });
  t.deepEqual(await b, { status: 1, output: "some error" });
});

test("a probe's exit is reported once per port; a closed channel fails what is pending", async (t) => {
  const { sock, say } = fakeSocket();
  const control = new GuestControl(sock, "guest");
  const exits: number[] = [];
  control.onExit("reuselab.p3", (s) => exits.push(s));
  say("X reuselab.p3 137");
  say("X reuselab.p3 0");
  await tick();
  t.deepEqual(exits, [137]);
  const pending = control.request("sleep 100");
  sock.destroy();
  await t.throwsAsync(pending, { code: "REUSELAB_ACTOR_EXITED" });
  await t.throwsAsync(control.request("true"), { code: "REUSELAB_ACTOR_EXITED" });
});

test("spawnProbe: the request names a port, the probe's bytes flow on that port, SIGKILL ends it", async (t) => {
  const { sock, sent, say } = fakeSocket();
  const control = new GuestControl(sock, "guest");
  const port = fakeSocket();
  const ports = new Map<string, Socket>([["reuselab.p0", port.sock]]);
  const host = new GuestHost("6.1", control, ports);
  const spawning = host.spawnProbe({ netns: "rl-1-0", uid: 1000, caps: ["SETUID"], label: "a" });
  await tick();
  t.deepEqual(sent, ["1 spawn reuselab.p0 rl-1-0 1000 setuid"]);
  say("S 1 42");
  say("R 1 0");
  const probe = await spawning;
  const hello = probe.session.call(["hello"]);
  await tick();
  t.deepEqual(port.sent, ["hello"], "the probe's command went out on its port");
  port.say('{"seq":1,"cmd":"hello","ret":0,"errno":null,"uid":1000}');
  t.like(await hello, { uid: 1000 });
  probe.kill();
  await tick();
  t.is(sent.at(-1), "2 kill 42");
  say("R 2 0");
  say("X reuselab.p0 137");
  t.deepEqual(await probe.exited, { code: 137, signal: "SIGKILL" });
  await t.throwsAsync(probe.session.call(["hello"]), { code: "REUSELAB_ACTOR_EXITED" });
});

test("a request with a line break is refused before it reaches the guest", async (t) => {
  const { sock, sent } = fakeSocket();
  const control = new GuestControl(sock, "guest");
  await t.throwsAsync(control.request("printf 'a\nb'"), {
    code: "REUSELAB_PROBE_PROTOCOL",
    message: /a request is one line/,
  });
  t.deepEqual(sent, []);
});
