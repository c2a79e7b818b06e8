// A lab removed while it starts (Ctrl-C comes at any moment): the removal waits for the setup under
// way, deletes the namespaces after it, and no probe is started afterwards. Against a scripted host.
import test from "ava";
import { PassThrough } from "node:stream";
import type { NetnsHost, ProbeProcess, ProbeSpawn } from "../../lab/backend/netns/netns-host";
import { NetnsLab } from "../../lab/backend/netns/netns-lab";
import { ProbeSession } from "../../lab/probe/probe-session";

/** A host whose setup script ends when the test says so; it records every command line and spawn. */
function scriptedHost() {
  const events: string[] = [];
  let endSetup!: () => void;
  const host: NetnsHost = {
    release: "test",
    shared: true,
    script(line) {
      if (line.includes("netns add")) {
        events.push("setup started");
        return new Promise((r) => (endSetup = () => (events.push("setup ended"), r(""))));
      }
      events.push(line.includes("netns del") ? "namespaces deleted" : `script ${line}`);
      return Promise.resolve("");
    },
    spawnProbe(s: ProbeSpawn): Promise<ProbeProcess> {
      events.push(`probe ${s.label}`);
      const out = new PassThrough();
      return Promise.resolve({
        session: new ProbeSession(s.label, new PassThrough(), out),
        exited: new Promise(() => undefined),
        kill: () => undefined,
      });
    },
  };
  return { host, events, endSetup: () => endSetup() };
}

const spec = {
  runId: "case.v@host",
  actors: [{ name: "a", uid: 1000, netns: "a", caps: [] }],
  namespaces: [{ name: "a", sysctls: {} }],
};

test("disposed during its setup: the namespaces are deleted after the setup ended, and no probe starts", async (t) => {
  const { host, events, endSetup } = scriptedHost();
  const lab = new NetnsLab(host, spec, { id: "host", release: "test" }, "rl-1-t1");
  const started = lab.start();
  const disposed = lab[Symbol.asyncDispose]();
  await new Promise(setImmediate); // whatever the removal does at once, it has done
  t.deepEqual(events, ["setup started"], "nothing is deleted while the setup still adds namespaces");
  endSetup();
  await disposed;
  const error = await t.throwsAsync(started);
  t.is((error as { code?: string }).code, "REUSELAB_INTERRUPTED");
  t.deepEqual(events, ["setup started", "setup ended", "namespaces deleted"]);
});
