import Docker from "dockerode";
import { LabError } from "../../errors";
import { engineAddress, engineTimeoutMs } from "./engine-calls";

/**
 * What to tell the user when a Docker call failed: if the engine no longer answers a ping, a LabError
 * that says so (instead of "socket hang up" or "connect ENOENT"); otherwise the error as it was.
 */
export async function explainEngineLoss(docker: Docker, e: unknown): Promise<unknown> {
  if (e instanceof LabError) return e;
  const answers = await Promise.race([
    docker.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref()),
  ]);
  if (answers) return e;
  return new LabError(
    "REUSELAB_NO_ENGINE",
    `the Docker engine at ${engineAddress()} stopped answering during the run (${(e as Error).message}); what this run made may still be there: once the engine is back, 'npm run lab -- clean' (or the next run) removes it`,
  );
}

/** The Docker engine, once it has answered a ping; a clear error when none answers. */
export async function connectEngine(): Promise<Docker> {
  engineTimeoutMs(); // a bad REUSELAB_ENGINE_TIMEOUT_MS is bad input, said before anything is asked
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    throw new LabError(
      "REUSELAB_NO_ENGINE",
      `no Docker engine answers at ${engineAddress()} (${(e as Error).message}). Run 'bash lab/bootstrap/bootstrap.sh' (as root it installs and starts one), or start your engine.`,
    );
  }
  return docker;
}
