import type Docker from "dockerode";
import { hostname } from "node:os";
import { HOST_LABEL, PID_LABEL, RUN_LABEL, START_LABEL } from "./labels";
import { runnerAlive } from "../../process-stat";

export interface Removed {
  containers: number;
  networks: number;
}

/** Force-removes every container, then every network, that carries all the labels ("key=value"). */
export async function removeLabelled(docker: Docker, ...labels: string[]): Promise<Removed> {
  const containers = await docker.listContainers({ all: true, filters: { label: labels } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone)));
  const networks = await docker.listNetworks({ filters: { label: labels } });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreGone)));
  return { containers: containers.length, networks: networks.length };
}

/**
 * Removes what earlier runs on this host left behind when they were killed: objects whose runner
 * process no longer exists. Runs still alive (a parallel test, another terminal) are left alone.
 */
export async function removeLeftovers(docker: Docker): Promise<Removed> {
  const here = hostname();
  const dead = (labels: Record<string, string> | undefined) => {
    if (!labels || labels[HOST_LABEL] !== here) return false;
    const pid = Number(labels[PID_LABEL]);
    return !Number.isInteger(pid) || pid <= 0 || !runnerAlive(pid, labels[START_LABEL]);
  };
  const sessions = new Set<string>();
  for (const c of await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } })) {
    if (dead(c.Labels)) sessions.add(c.Labels[RUN_LABEL]!);
  }
  for (const n of await docker.listNetworks({ filters: { label: [RUN_LABEL] } })) {
    if (dead(n.Labels)) sessions.add(n.Labels![RUN_LABEL]!);
  }
  const total: Removed = { containers: 0, networks: 0 };
  for (const s of sessions) {
    const r = await removeLabelled(docker, `${RUN_LABEL}=${s}`);
    total.containers += r.containers;
    total.networks += r.networks;
  }
  return total;
}

function ignoreGone(e: { statusCode?: number }): void {
  if (e.statusCode !== 404 && e.statusCode !== 409) throw e;
}
