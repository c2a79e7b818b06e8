// The Docker engine going away in the middle of a run: a clear error and a non-zero exit, not a hang.
// The lab talks to the real engine through a unix-socket relay of this test's own; cutting the relay
// is, for the lab, the engine stopping (without stopping the engine other tests are using).
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containersStarted } from "../e2e/helpers";

function relay(path: string) {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const engine = createConnection("/var/run/docker.sock");
    for (const s of [client, engine]) {
      open.add(s);
      s.on("error", () => s.destroy());
      s.on("close", () => open.delete(s));
    }
    client.pipe(engine).pipe(client);
  }).listen(path);
  return {
    cut: () => {
      server.close();
      for (const s of open) s.destroy();
    },
  };
}

// "Not a hang" has no deadline here: ava's timeout is the bound, so a busy machine cannot fail the test.
test("the engine stops mid-run: the run fails with a message naming the engine, exit 1 or 2", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-relay-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, "docker.sock");
  const r = relay(sock);
  const since = Date.now() / 1000;
  const child = spawn(
    process.execPath,
    ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", "--cases", "test/fixtures/slow"],
    {
      env: { ...process.env, NO_COLOR: "1", DOCKER_HOST: `unix://${sock}` },
    },
  );
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  const pid = child.pid!;
  // Whatever the lost engine could not remove, this test removes through the real one.
  t.teardown(() => {
    spawnSync(
      "bash",
      [
        "-c",
        `docker rm -f $(docker ps -aq --filter label=reuselab.pid=${pid}) ; docker network rm $(docker network ls -q --filter label=reuselab.pid=${pid})`,
      ],
      { stdio: "ignore" },
    );
  });

  // The real engine tells when the lab is up: its containers are created through the relay.
  await containersStarted(`reuselab.pid=${pid}`, 4, since, exited, () => out);
  r.cut();
  const code = await exited;
  t.true(code === 1 || code === 2, `exit ${String(code)}:\n${out}`);
  t.regex(out, /Docker engine/i, out);
  t.regex(out, /FAIL {2}long-sleep\.default@host|engine/);
});
