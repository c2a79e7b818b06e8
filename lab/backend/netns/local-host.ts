/**
 * The netns backend's commands on this machine: child processes, probes on pipes. Each child has a
 * session of its own (detached): a terminal's Ctrl-C goes to its whole process group, and would kill
 * an ip command half-way through a lab's setup and the probes under a running step (reported as a
 * failure), before the runner removes its labs in order.
 */
import { ignored } from "../../debug-log";
import { spawn } from "node:child_process";
import { release } from "node:os";
import { ProbeSession } from "../../probe/probe-session";
import { systemEnv, systemTool } from "../../system-tools";
import type { ExitInfo } from "../../steps/actor-runtime";
import { exitInfo } from "../exit-status";
import { probeCommand, type NetnsHost, type ProbeProcess, type ProbeSpawn } from "./netns-host";

/**
 * Runs one bash command line on this machine (pipefail, the system's PATH), in a session of its own;
 * resolves with its output, rejects with it when the status is not 0.
 */
export function hostScript(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(systemTool("bash", "bash"), ["-o", "pipefail", "-c", line], {
      stdio: ["ignore", "pipe", "pipe"],
      env: systemEnv(),
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`netns setup failed (exit ${code}): ${out.trim().slice(-500)}`)),
    );
  });
}

export class LocalHost implements NetnsHost {
  readonly release = release();
  readonly shared = true;

  constructor(private readonly probe: string) {}

  script(line: string): Promise<string> {
    return hostScript(line);
  }

  async spawnProbe(s: ProbeSpawn): Promise<ProbeProcess> {
    const [cmd, ...args] = probeCommand(s, this.probe);
    const child = spawn(cmd!, args, { stdio: ["pipe", "pipe", "pipe"], env: systemEnv(), detached: true });
    const exited = new Promise<ExitInfo>((resolve) =>
      child.on("exit", (code, signal) => resolve(exitInfo(code, signal))),
    );
    child.on("error", ignored("netns/probe-spawn")); // surfaces as the session's ACTOR_EXITED
    return {
      session: new ProbeSession(s.label, child.stdin, child.stdout, child.stderr),
      exited,
      kill: () => child.kill("SIGKILL"),
    };
  }
}
