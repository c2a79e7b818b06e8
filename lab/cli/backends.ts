/** One backend per kernel of the run: the host's kernel on docker (or netns), each guest kernel on a VM. */
import type { Backend, KernelInfo, PrepareReport } from "../backend/backend";
import { DockerBackend } from "../backend/docker/docker-backend";
import { NetnsBackend } from "../backend/netns/netns-backend";
import { kernelIds } from "../backend/vm/kernel-images";
import { VmBackend } from "../backend/vm/vm-backend";
import { LabError } from "../errors";

export const HOST_BACKENDS = ["docker", "netns"] as const;
export type HostBackend = (typeof HOST_BACKENDS)[number];

export class KernelBackends implements AsyncDisposable {
  readonly byKernel = new Map<string, Backend>();

  constructor(kernels: readonly string[], host: HostBackend) {
    const known = ["host", ...kernelIds()];
    const unknown = kernels.filter((k) => !known.includes(k));
    if (unknown.length) throw new LabError("REUSELAB_BAD_ARGS", `unknown kernel ${unknown.join(", ")}: the kernels are ${known.join(", ")} (images/kernels/kernels.yaml)`);
    for (const k of kernels) this.byKernel.set(k, k === "host" ? (host === "docker" ? new DockerBackend() : new NetnsBackend()) : new VmBackend(k));
  }

  get needsEngine(): boolean {
    return [...this.byKernel.values()].some((b) => b instanceof DockerBackend);
  }

  get needsVm(): boolean {
    return [...this.byKernel.values()].some((b) => b instanceof VmBackend);
  }

  backend(kernel: string): Backend {
    return this.byKernel.get(kernel)!;
  }

  /** Prepares every backend at once (downloads, image builds and boots overlap); kernels in the order asked. */
  async prepare(): Promise<{ kernels: KernelInfo[]; leftoversRemoved: PrepareReport["leftoversRemoved"] }> {
    const reports = await Promise.all([...this.byKernel.values()].map((b) => b.prepare()));
    const leftoversRemoved: Record<string, number> = {};
    for (const r of reports) for (const [k, n] of Object.entries(r.leftoversRemoved)) leftoversRemoved[k] = (leftoversRemoved[k] ?? 0) + n;
    return { kernels: reports.flatMap((r) => r.kernels), leftoversRemoved };
  }

  async abort(): Promise<void> {
    await Promise.all([...this.byKernel.values()].map((b) => b.abort()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.byKernel.values()].map((b) => b[Symbol.asyncDispose]()));
  }

  /** The name shown in the console: "docker", or "docker + vm". */
  get name(): string {
    return [...new Set([...this.byKernel.values()].map((b) => b.name))].join(" + ");
  }
}
