// What the reuse tests of the docker and netns backends leave behind on purpose: a TIME_WAIT socket.
import type { ActorRuntime } from "../../lab/steps/actor-runtime";

/** The TCP sockets on port 7000 in the actor's namespace, by state. */
export async function states(a: ActorRuntime): Promise<Record<string, number>> {
  return ((await a.call(["tcpstates", "7000"])).states ?? {}) as Record<string, number>;
}

/**
 * A TCP state changes when the kernel has handled a segment, and no call tells when that happened, so
 * this asks again until it has: no deadline (a loaded machine only makes it take longer), ava's
 * timeout is the bound.
 */
export async function until(ok: () => Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 20));
}

/** srv accepts cli's connection on 127.0.0.1:7000 and closes first: srv's side is left in TIME_WAIT. */
export async function leaveTimeWait(srv: ActorRuntime, cli: ActorRuntime): Promise<void> {
  await srv.call(["socket", "l", "tcp", "4"]);
  await srv.call(["bind", "l", "127.0.0.1", "7000"]);
  await srv.call(["listen", "l"]);
  await cli.call(["socket", "c", "tcp", "4"]);
  await cli.call(["connect", "c", "127.0.0.1", "7000"]);
  await srv.call(["accept", "l", "1"]);
  await srv.call(["closeaccepted", "l"]);
  await until(async () => (await states(cli)).CLOSE_WAIT === 1);
  await cli.call(["close", "c"]);
  await until(async () => (await states(srv)).TIME_WAIT === 1);
}
