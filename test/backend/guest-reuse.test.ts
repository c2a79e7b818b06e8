// Inside a guest the netns pool keeps a lab's namespaces for a later run as it does on this machine
// (netns-pool.ts), and the agent's flush destroys the TCP sockets that no process holds
// (images/probe/agent_flush.c, SOCK_DESTROY as `ss -K` does it). So a run that leaves a TIME_WAIT
// leaves its namespaces to the next run on a kernel whose tcp_abort() drops TIME_WAIT (6.12), and on
// one whose tcp_abort() refuses it (5.10) they are deleted, as before. Either way the next run finds
// nothing of the first. One guest of each, side by side.
import test, { type ExecutionContext } from "ava";
import type { LabSpec } from "../../lab/backend/backend";
import { readKernelsFile } from "../../lab/backend/vm/kernel-images";
import { VmBackend } from "../../lab/backend/vm/vm-backend";
import { leaveTimeWait, states } from "./time-wait";

const spec = (runId: string): LabSpec => ({
  runId,
  namespaces: [{ name: "srv", sysctls: {} }],
  actors: [
    { name: "srv", uid: 1000, netns: "srv", caps: [] },
    { name: "cli", uid: 1001, netns: "srv", caps: [] },
  ],
});

/** A run that leaves a TIME_WAIT, then another: how many namespace sets the second got from the first. */
async function afterTimeWait(t: ExecutionContext, id: string): Promise<number> {
  const listed = readKernelsFile().find((k) => k.id === id);
  if (!listed) throw new Error(`images/kernels/kernels.yaml has no kernel ${id}`);
  await using backend = new VmBackend(listed, () => undefined);
  const kernel = (await backend.prepare()).kernels[0]!;
  {
    await using lab = await backend.start(spec(`guest-reuse.tw@${id}`), kernel);
    const [srv, cli] = [lab.actor("srv"), lab.actor("cli")];
    await leaveTimeWait(srv, cli);
    t.deepEqual(await states(srv), { LISTEN: 1, TIME_WAIT: 1 }, `${id}: the first run leaves a TIME_WAIT`);
  }
  const counts = { ...backend.reuse! };
  await using lab = await backend.start(spec(`guest-reuse.after@${id}`), kernel);
  const srv = lab.actor("srv");
  t.deepEqual(await states(srv), {}, `${id}: no socket of the first run`);
  await srv.call(["socket", "l", "tcp", "4"]);
  t.like(await srv.call(["bind", "l", "127.0.0.1", "7000"]), { ret: 0, errno: null }, `${id}: its port is free`);
  return backend.reuse!.setsReused - counts.setsReused;
}

test("6.12: the TIME_WAIT is destroyed, and the namespaces serve the next run", async (t) => {
  t.is(await afterTimeWait(t, "6.12"), 1);
});

test("5.10: its tcp_abort() cannot drop a TIME_WAIT, so the next run gets new namespaces", async (t) => {
  t.is(await afterTimeWait(t, "5.10"), 0);
});
