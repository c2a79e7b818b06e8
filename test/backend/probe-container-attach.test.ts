// A probe container is attached before it starts (so no line is lost). The engine never closes that
// connection for a container that did not start and was then removed (seen: an aborted audit whose
// test process never exited), so a start that fails closes it itself. Needs the Docker engine.
import test from "ava";
import { connectEngine } from "../../lab/backend/docker/engine";
import { ensureProbeImage } from "../../lab/backend/docker/probe-image";
import { ProbeContainer } from "../../lab/backend/docker/lab-container";

const LABEL = "reuselab.test.attach";

test("a start that fails after the attach closes the engine's connection; the session ends", async (t) => {
  const docker = await connectEngine();
  const image = await ensureProbeImage(docker);
  const labels = { [LABEL]: String(process.pid) };
  t.teardown(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${process.pid}`] } }))
      await docker.getContainer(c.Id).remove({ force: true });
  });
  // Removed right after the attach, before it starts, as an abort's cleanup does to a lab being made.
  class RemovedBeforeStart extends ProbeContainer {
    protected override async containerCreated(id: string): Promise<void> {
      await super.containerCreated(id);
      await docker.getContainer(id).remove({ force: true });
    }
  }
  const c = new RemovedBeforeStart(docker, image, labels, "attach test");
  await t.throwsAsync(c.start());
  t.truthy(c.containerId, "the container was created and attached before the start failed");
  t.false(c.attached, "the attach connection is closed");
  await c.session!.closed; // and the session sees its end, as when a probe exits
  t.true(c.session!.isClosed);
});
