import "./engine-calls";
import "./testcontainers-env";
import type Docker from "dockerode";
import { PassThrough, type Duplex } from "node:stream";
import { GenericContainer } from "testcontainers";
import { ProbeSession } from "../../probe/probe-session";

/**
 * A container of the lab: the probe image, locked down. No capabilities (a case that needs one must
 * say so), no new privileges, a read-only root, and bounded pids and memory. No log: the probe's
 * replies come on its attach stream, and a json-file log of them cost dockerd ~0.5 s of CPU per
 * shipped catalogue here (2.7–2.8 s against 3.2–3.5 s in all).
 */
export class LabContainer extends GenericContainer {
  constructor(image: string, labels: Record<string, string>) {
    super(image);
    this.withLabels(labels)
      .withDroppedCapabilities("ALL")
      .withSecurityOpt("no-new-privileges")
      .withStartupTimeout(30_000);
    this.hostConfig.ReadonlyRootfs = true;
    this.hostConfig.PidsLimit = 16;
    this.hostConfig.Memory = 64 * 1024 * 1024;
    this.hostConfig.LogConfig = { Type: "none", Config: {} };
  }

  /** Namespaced (net.*) sysctls, set when the container's network namespace is made. */
  withSysctls(sysctls: Record<string, string>): this {
    this.hostConfig.Sysctls = { ...this.hostConfig.Sysctls, ...sysctls };
    return this;
  }
}

/**
 * An actor's container: the probe reading commands on stdin. Its stdin and stdout are attached right
 * after the container is created, before it starts, so no line is lost.
 */
export class ProbeContainer extends LabContainer {
  session?: ProbeSession;
  /** Set as soon as the container exists, so that a start that fails half-way can still remove it. */
  containerId?: string;
  /** The hijacked connection to the engine that carries the probe's stdin and stdout. */
  private stream?: Duplex;

  /** Whether the connection to the engine that carries the probe's stdin and stdout is open. */
  get attached(): boolean {
    return this.stream !== undefined && !this.stream.destroyed;
  }

  constructor(
    private readonly docker: Docker,
    image: string,
    labels: Record<string, string>,
    private readonly label: string,
  ) {
    super(image, labels);
    Object.assign(this.createOpts, {
      OpenStdin: true,
      StdinOnce: false,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.containerId = containerId;
    const stream = await this.docker
      .getContainer(containerId)
      .attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    this.stream = stream as unknown as Duplex;
    const out = new PassThrough();
    const err = new PassThrough();
    this.docker.modem.demuxStream(stream, out, err);
    stream.on("end", () => {
      out.end();
      err.end();
    });
    stream.on("close", () => {
      out.end();
      err.end();
    });
    this.session = new ProbeSession(this.label, stream as unknown as Duplex, out, err);
  }

  /**
   * A start that fails after the attach (an abort while the container starts, a removal under it)
   * closes the attach connection itself: the engine keeps the connection of a container that never ran
   * open after removing it (seen: an aborted audit whose test process then never exited).
   */
  override async start(): ReturnType<LabContainer["start"]> {
    try {
      return await super.start();
    } catch (e) {
      this.stream?.destroy();
      throw e;
    }
  }
}
