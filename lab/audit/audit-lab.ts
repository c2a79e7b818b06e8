/**
 * One audit's lab: a lab network of its own (no route out: the egress guard), the service at a fixed
 * address on it, a client probe in its own network namespace, and attackers that join the service's
 * network namespace as they are needed. Every object carries the run's labels; disposing the lab
 * removes them all, and a killed runner's leftovers go with the next run's cleanup.
 */
import type Docker from "dockerode";
import type { StartedTestContainer } from "testcontainers";
import { release } from "node:os";
import { removeLabelled } from "../backend/docker/cleanup";
import { ProbeContainer } from "../backend/docker/lab-container";
import { createLabNetwork, type LabNetwork } from "../backend/docker/lab-network";
import { LAB_LABEL, labLabels, RUN_LABEL } from "../backend/docker/labels";
import type { ProbeSession } from "../probe/probe-session";
import type { Audit } from "./audit";
import { ServiceContainer } from "./service-container";
import { ignored } from "../debug-log";
import { checkHello } from "../backend/probe-hello";

/** Docker turns IPv6 off in the namespaces it makes unless told: the service's [::] sockets are attacked over IPv6 too. */
const IPV6_ON = {
  "net.ipv6.conf.all.disable_ipv6": "0",
  "net.ipv6.conf.default.disable_ipv6": "0",
  "net.ipv6.conf.lo.disable_ipv6": "0",
};

/** The service's host number on its /24 (and /64): clients find it there again after a restart. */
const SERVICE_HOST = 10;

export interface Probe {
  session: ProbeSession;
  uid: number;
  remove(): Promise<void>;
}

export class AuditLab implements AsyncDisposable {
  private readonly id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  private network?: LabNetwork;
  private serviceContainer?: ServiceContainer;
  private clientProbe?: Probe;

  constructor(
    private readonly docker: Docker,
    private readonly session: string,
    private readonly audit: Audit,
    private readonly probeImage: string,
    /** The modelled host's sysctls, set in the service's network namespace (lab/audit/host-model.ts). */
    readonly hostSysctls: Readonly<Record<string, string>> = {},
  ) {}

  labels(): Record<string, string> {
    return labLabels(this.session, { runId: `audit.${this.audit.name}`, id: this.id });
  }

  get service(): ServiceContainer {
    if (!this.serviceContainer) throw new Error("AuditLab.service before start()");
    return this.serviceContainer;
  }

  get client(): Probe {
    if (!this.clientProbe) throw new Error("AuditLab.client before start()");
    return this.clientProbe;
  }

  async start(serviceImage: string): Promise<this> {
    const name =
      `${this.session}-audit-${this.audit.name.replace(/[^A-Za-z0-9_.-]+/g, "_")}`.slice(0, 50) + `-${this.id}`;
    this.network = await createLabNetwork(this.docker, name, this.labels());
    const address = this.network.subnet.replace(/\.0\/24$/, `.${SERVICE_HOST}`);
    const address6 = this.network.subnet6.replace(/::\/64$/, `::${SERVICE_HOST}`);
    this.serviceContainer = await ServiceContainer.start(
      this.docker,
      this.audit,
      serviceImage,
      this.network.name,
      { v4: address, v6: address6 },
      this.labels(),
      { ...IPV6_ON, ...this.hostSysctls },
    );
    this.clientProbe = await this.probe("client", 1001, this.network.name);
    return this;
  }

  /**
   * An attacker process with uid in the service's network namespace: it shares its addresses and
   * ports, and the namespace's sysctls. It has no capability at all (the probe's container drops them,
   * and its hello must show none: ../backend/probe-hello.ts).
   */
  attacker(uid: number): Promise<Probe> {
    return this.probe(`attacker (uid ${uid})`, uid, `container:${this.service.id}`);
  }

  private async probe(label: string, uid: number, networkMode: string): Promise<Probe> {
    const c = new ProbeContainer(this.docker, this.probeImage, this.labels(), `${this.audit.name} ${label}`)
      .withUser(`${uid}:${uid}`)
      .withNetworkMode(networkMode);
    if (!networkMode.startsWith("container:")) c.withSysctls(IPV6_ON); // a joined namespace has the service's
    const started: StartedTestContainer = await c.start();
    const session = c.session!;
    await checkHello(session, { uid, caps: [] }, release());
    return {
      session,
      uid,
      remove: async () => {
        session.close();
        await this.docker.getContainer(started.getId()).remove({ force: true }).catch(ignored("audit/remove-client"));
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.clientProbe?.session.close();
    await removeLabelled(this.docker, `${RUN_LABEL}=${this.session}`, `${LAB_LABEL}=${this.id}`).catch(
      ignored("audit/teardown"),
    );
    await this.network?.remove();
  }
}
