// While another lab adds or deletes a namespace, its file in /run/netns is for a moment not a
// namespace: `ip netns list` then prints "Error: Peer netns reference is invalid." on stderr. Nothing
// of that reaches the user's output. The moment is made to last: the runner gets a private /run/netns
// (its own mount namespace) holding such a file, named for a live runner (this test), as another lab's
// namespace in the making would be; the machine's real namespaces are not touched.
import test from "ava";
import { spawn } from "node:child_process";

const RUNNER = ["node", "-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts"];

/** The CLI in a mount namespace of its own whose /run/netns holds one file that is not a namespace. */
function labBesideHalfMadeNamespace(args: string[]): Promise<{ code: number | null; out: string }> {
  const halfMade = `/run/netns/rl-${process.pid}-zz1-0`;
  const script = `mkdir -p /run/netns && mount -t tmpfs reuselab-test /run/netns && : > ${halfMade} && exec "$@"`;
  const child = spawn(
    "unshare",
    ["--mount", "--propagation", "private", "sh", "-c", script, "sh", ...RUNNER, ...args],
    { env: { ...process.env, NO_COLOR: "1" } },
  );
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

test("clean beside another lab's half-made namespace: no ip error in the output", async (t) => {
  const r = await labBesideHalfMadeNamespace(["clean"]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /^reuselab clean: /m);
  t.notRegex(r.out, /Peer netns reference|^Error:/m);
});

test("a netns run beside another lab's half-made namespace: it passes and no ip error is in the output", async (t) => {
  const r = await labBesideHalfMadeNamespace([
    "--backend",
    "netns",
    "--cases",
    "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml",
  ]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /2 runs: 2 passed, 0 failed/);
  t.notRegex(r.out, /Peer netns reference|^Error:/m);
});
