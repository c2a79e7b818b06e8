import Docker from "dockerode";
import { LabError } from "../../errors";

/** The Docker engine, once it has answered a ping; a clear error when none answers. */
export async function connectEngine(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    const where = process.env.DOCKER_HOST ?? "/var/run/docker.sock";
    throw new LabError(
      "REUSELAB_NO_ENGINE",
      `no Docker engine answers at ${where} (${(e as Error).message}). Run 'bash lab/bootstrap/bootstrap.sh' (as root it installs and starts one), or start your engine.`,
    );
  }
  return docker;
}
