/**
 * The audited service's container: the service image with the audit's command and user, locked down
 * like the lab's probe containers (no capabilities but the ones the audit file declares, no new
 * privileges, a read-only root with small tmpfs mounts where the service writes, bounded pids and
 * memory), on the lab network at a fixed address, so that a restart brings it back where clients
 * look for it.
 */
import type Docker from "dockerode";
import { systemEnv, systemTool } from "../system-tools";
import { spawnSync } from "node:child_process";
import { LabError } from "../errors";
import type { Audit } from "./audit";
import { ignored } from "../debug-log";

export class ServiceContainer {
  private constructor(
    private readonly docker: Docker,
    readonly id: string,
    /** The service's IPv4 address on the lab network. */
    readonly address: string,
    /** Its IPv6 address there. */
    readonly address6: string,
    readonly uid: number,
  ) {}

  static async start(
    docker: Docker,
    audit: Audit,
    image: string,
    network: string,
    addresses: { v4: string; v6: string },
    labels: Record<string, string>,
    sysctls: Readonly<Record<string, string>> = {},
  ): Promise<ServiceContainer> {
    const container = await docker.createContainer({
      Image: image,
      Cmd: audit.command,
      User: audit.user,
      Labels: labels,
      HostConfig: {
        NetworkMode: network,
        CapDrop: ["ALL"],
        CapAdd: audit.capabilities,
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Tmpfs: Object.fromEntries(audit.tmpfs.map((p) => [p, "rw,size=16m,mode=1777"])),
        PidsLimit: 64,
        // The modelled host's, not Docker's (which sets ip_unprivileged_port_start=0): attackers join this namespace. IPv6 on.
        Sysctls: { ...sysctls },
        Memory: 256 * 1024 * 1024,
      },
      NetworkingConfig: {
        EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: addresses.v4, IPv6Address: addresses.v6 } } },
      },
    });
    try {
      await container.start();
    } catch (e) {
      await container.remove({ force: true }).catch(ignored("audit/remove-unstarted-service"));
      throw new LabError(
        "REUSELAB_SERVICE_START",
        `${where(audit, "command")}: the service '${audit.name}' could not be started with command [${audit.command.join(", ")}] as user ${audit.user}: ${engineMessage(e)}`,
      );
    }
    return new ServiceContainer(docker, container.id, addresses.v4, addresses.v6, Number(audit.user.split(":")[0]));
  }

  private get container(): Docker.Container {
    return this.docker.getContainer(this.id);
  }

  /** The service's main process as the host sees it (0 when it is not running). */
  async pid(): Promise<number> {
    return (await this.container.inspect()).State.Pid;
  }

  async running(): Promise<boolean> {
    return (await this.container.inspect()).State.Running;
  }

  /** The end of the service's own output: what to show when it would not start. */
  async logTail(): Promise<string> {
    const buf = (await this.container.logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
    // Docker's multiplexed log frames: an 8-byte header before each chunk.
    const out: string[] = [];
    for (let i = 0; i + 8 <= buf.length;) {
      const size = buf.readUInt32BE(i + 4);
      out.push(buf.subarray(i + 8, i + 8 + size).toString("utf8"));
      i += 8 + size;
    }
    return out.join("").trim();
  }

  /** SIGKILL to the main process: a crash, or an orchestrator's hard stop. */
  async kill(): Promise<void> {
    await this.container.kill({ signal: "SIGKILL" });
    await this.container.wait();
  }

  async startAgain(): Promise<void> {
    await this.container.start();
  }

  /** Runs a command beside the service (its reload), as the service's user; its exit code. */
  async exec(cmd: string[]): Promise<{ code: number; output: string }> {
    const r = spawnSync(systemTool("docker", "docker.io"), ["exec", this.id, ...cmd], {
      encoding: "utf8",
      timeout: 30_000,
      env: systemEnv(),
    });
    if (r.error) throw new LabError("REUSELAB_SERVICE_EXEC", `docker exec ${cmd.join(" ")}: ${r.error.message}`);
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
  }
}

/** "audits/x.yaml:7" for a key of an audit file, the option for a quick audit ("--image … --arg"). */
function where(audit: Audit, key: string): string {
  const line = audit.lines[key];
  if (audit.file === "--image") return key === "command" ? "--arg/--command" : `--${key}`;
  return line ? `${audit.file}:${line}` : audit.file;
}

/** The engine's reason without its HTTP wrapping ("(HTTP code 400) unexpected - … "). */
function engineMessage(e: unknown): string {
  const m = e as { json?: { message?: string }; message?: string };
  return (m.json?.message ?? m.message ?? String(e)).replace(/^\(HTTP code \d+\)\s*\S+\s*-\s*/, "").trim();
}
