/**
 * new Lab(): an ad-hoc lab declared in a test, in the spirit of testcontainers' GenericContainer. The
 * builder declares actors (uid, own or shared network namespace, sysctls, kept capabilities); start()
 * makes them on a backend, as a case's run would, and gives a RunningLab whose actors take typed
 * calls. Every declaration is checked when it is made; nothing starts until all are valid.
 *
 *   await using lab = await new Lab({ backend: "netns" })
 *     .actor("victim", { uid: 1000 })
 *     .actor("attacker", { uid: 1001, netns: "victim" })
 *     .start();
 *   await lab.actor("victim").bind("udp", "$victim:5353", { reuseport: true });
 *   const r = await lab.actor("attacker").bind("udp", "$victim:5353", { reuseport: true });
 *   // r.errno === "EADDRINUSE": SO_REUSEPORT joins only sockets of the same uid
 */
import type { ActorSpec, Backend, LabSpec } from "../backend/backend";
import { DockerBackend } from "../backend/docker/docker-backend";
import { NetnsBackend } from "../backend/netns/netns-backend";
import { ensureMachine } from "../bootstrap/ensure";
import { NETNS_SYSCTLS } from "../case/netns-sysctls";
import { suggestion } from "../problems";
import { CAPS, MAX_NAMESPACES } from "../case/read-actors";
import { HOST_BACKENDS, type HostBackend } from "../backend/host-backends";
import { LabError } from "../errors";
import { startReaper, type Reaper } from "./namespace-reaper";
import { RunningLab } from "./running-lab";

export interface LabOptions {
  /** "netns" (root, no engine: probe processes in network namespaces) or "docker" (a container per actor). Default "netns". */
  backend?: HostBackend;
  /** Names the lab in messages and in its objects' labels (default "lab"). */
  name?: string;
  /**
   * Removes the lab when it aborts (node:test's `t.signal`, `AbortSignal.timeout(ms)`): a start under
   * way rejects with REUSELAB_INTERRUPTED, a call under way with REUSELAB_ACTOR_EXITED.
   */
  signal?: AbortSignal;
}

export interface ActorOptions {
  /** The uid the actor's process runs as (0 is root). */
  uid: number;
  /** Share the network namespace of this actor, declared before; default: a namespace of its own. */
  netns?: string;
  /** net.* sysctls of the actor's namespace, set before any actor starts (the per-namespace ones docs/cases.md lists). */
  sysctls?: Readonly<Record<string, string | number>>;
  /** Capabilities the actor keeps (every other one is dropped): setuid, setgid, net_bind_service, net_admin, net_raw. */
  caps?: readonly string[];
}

const NAME = /^[a-z][a-z0-9-]*$/;
const MAX_UID = 2 ** 31 - 2;
const SYSCTL_VALUE = /^[A-Za-z0-9_.:-]+( [A-Za-z0-9_.:-]+)*$/;
/** The machine is checked (and set up) once per process, as the CLI does once per run. */
const ready = new Set<string>();

export class Lab {
  private readonly actors: ActorSpec[] = [];
  private readonly sysctls = new Map<string, Record<string, string>>();
  private readonly backendName: HostBackend;
  private readonly name: string;
  private readonly signal: AbortSignal | undefined;

  constructor(options: LabOptions = {}) {
    this.signal = options.signal;
    this.backendName = options.backend ?? "netns";
    this.name = options.name ?? "lab";
    if (!HOST_BACKENDS.includes(this.backendName))
      bad(`backend '${String(this.backendName)}' is not one of ${HOST_BACKENDS.join(", ")}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$/.test(this.name))
      bad(`lab name '${this.name}' is not letters, digits and . _ @ - (at most 63)`);
  }

  /** Declares an actor; a bad or duplicate declaration is a LabError REUSELAB_BAD_LAB at once. */
  actor(name: string, options: ActorOptions): this {
    const at = `actor '${name}'`;
    if (!NAME.test(name))
      bad(
        `${at}: a name is lower-case letters, digits and - (it names a namespace or container), e.g. victim, worker-2`,
      );
    if (this.actors.some((a) => a.name === name)) bad(`${at} is declared twice; give each actor its own name`);
    if (!Number.isInteger(options?.uid) || options.uid < 0 || options.uid > MAX_UID)
      bad(`${at}: uid ${String(options?.uid)} is not a whole number from 0 to ${MAX_UID}`);
    const peer = options.netns === undefined ? undefined : this.actors.find((a) => a.name === options.netns);
    if (options.netns !== undefined && !peer) {
      bad(
        `${at} shares the netns of '${options.netns}', which is not declared before it; ${suggestion(
          options.netns,
          this.actors.map((a) => a.name),
          "actors declared so far",
        )}`,
      );
    }
    const netns = peer?.netns ?? name;
    if (!peer && this.sysctls.size >= MAX_NAMESPACES)
      bad(
        `${at} would be network namespace number ${MAX_NAMESPACES + 1}; a lab has addresses for ${MAX_NAMESPACES}: let actors share one (netns)`,
      );
    const caps = (options.caps ?? []).map((c) => {
      if (!CAPS.includes(c.toLowerCase()))
        bad(
          `${at}: capability '${c}' cannot be given to an actor; ${suggestion(c.toLowerCase(), CAPS, "capabilities")}`,
        );
      return c.toUpperCase();
    });
    const sysctls = this.sysctls.get(netns) ?? {};
    for (const [key, raw] of Object.entries(options.sysctls ?? {})) {
      const value = String(raw);
      if (!NETNS_SYSCTLS.includes(key))
        bad(
          `${at}: '${key}' is not a per-network-namespace sysctl the lab can set; ${suggestion(key, NETNS_SYSCTLS, "sysctls")}`,
        );
      if (!SYSCTL_VALUE.test(value))
        bad(`${at}: '${value}' is not a value for ${key}; write numbers or words separated by spaces`);
      if (sysctls[key] !== undefined && sysctls[key] !== value)
        bad(
          `${at}: sysctl ${key} of netns '${netns}' is already ${sysctls[key]}; set it once, on one actor of the namespace`,
        );
      sysctls[key] = value;
    }
    this.sysctls.set(netns, sysctls);
    this.actors.push({ name, uid: options.uid, netns, caps });
    return this;
  }

  /**
   * Starts the lab: the machine checked (once per process), the backend prepared (the probe built,
   * leftovers of killed runs removed), the namespaces made and every actor's probe started. If any of
   * it fails, what was made is removed before the error is thrown.
   */
  async start(): Promise<RunningLab> {
    if (this.actors.length === 0) bad(`${this.name} has no actor; declare one with .actor("victim", { uid: 1000 })`);
    const spec: LabSpec = {
      runId: this.name,
      actors: this.actors.map((a) => ({ ...a })),
      namespaces: [...this.sysctls].map(([name, sysctls]) => ({ name, sysctls: { ...sysctls } })),
    };
    const part = this.backendName === "docker" ? "all" : "toolchain";
    if (!ready.has(part)) {
      ensureMachine(part);
      ready.add(part);
    }
    const interrupted = () => new LabError("REUSELAB_INTERRUPTED", `${this.name} was not started: its signal aborted`);
    if (this.signal?.aborted) throw interrupted();
    const backend: Backend = this.backendName === "docker" ? new DockerBackend() : new NetnsBackend();
    // Until the lab is started, an abort removes what the backend has made, and it makes nothing more.
    const abort = () => void backend.abort();
    this.signal?.addEventListener("abort", abort, { once: true });
    let reaper: Reaper | undefined;
    try {
      const { kernels } = await backend.prepare();
      reaper = backend instanceof NetnsBackend ? startReaper(backend.namespacePrefix) : undefined;
      const lab = await backend.start(spec, kernels[0]!);
      if (this.signal?.aborted) throw interrupted();
      return new RunningLab({
        backend,
        lab,
        spec,
        kernel: kernels[0]!,
        ...(this.signal ? { signal: this.signal } : {}),
        ...(reaper ? { reaper } : {}),
      });
    } catch (e) {
      await backend[Symbol.asyncDispose]();
      await reaper?.release();
      throw this.signal?.aborted ? interrupted() : e;
    } finally {
      this.signal?.removeEventListener("abort", abort);
    }
  }
}

function bad(message: string): never {
  throw new LabError("REUSELAB_BAD_LAB", message);
}
