/**
 * A shell script run by the host inside the network namespace of a holder's process (nsenter --net):
 * how the docker backend writes a run's sysctls (namespace-sysctls.ts). The system's nsenter, and a PATH without node_modules for what the script
 * runs (../../system-tools.ts). Root only.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { systemEnv, systemTool } from "../../system-tools";

const run = promisify(execFile);

/** The script's stdout; rejects when it exits non-zero (the error carries its stderr) or runs past 5 s. */
export async function inNamespace(pid: number, script: string): Promise<string> {
  const nsenter = systemTool("nsenter", "util-linux");
  const { stdout } = await run(nsenter, [`--net=/proc/${pid}/ns/net`, "--", "sh", "-c", script], {
    timeout: 5000,
    env: systemEnv(),
  });
  return stdout;
}
