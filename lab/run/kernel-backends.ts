/** One backend per kernel of the run: the host's kernel on docker (or netns), each guest kernel on a VM. */
import type { Backend, PrepareReport } from "../backend/backend";
import type { KernelInfo } from "../kernel-info";
import { DockerBackend } from "../backend/docker/docker-backend";
import { NetnsBackend } from "../backend/netns/netns-backend";
import { readKernelsFile } from "../backend/vm/kernel-images";
import type { GuestKernel } from "../backend/vm/kernel-spec";
import { VmBackend } from "../backend/vm/vm-backend";
import { LabError } from "../errors";
import { defaultGuests, type HostBackend } from "../backend/host-backends";
import { Slots } from "./slots";

export class KernelBackends implements AsyncDisposable {
  /** By kernel id; a kernel given by --kernel without an id is known by its release once prepared. */
  readonly byKernel = new Map<string, Backend>();
  /** The guests that boot or run at once; the others wait their turn, idle (--guests). */
  private readonly guestSlots: Slots;

  /**
   * `kernels`: "host" and ids of images/kernels/kernels.yaml; `specs`: the kernels of --kernel SPEC;
   * `guests`: how many guest kernels boot or run at once (default: one per core).
   */
  constructor(
    kernels: readonly string[],
    host: HostBackend,
    specs: readonly GuestKernel[] = [],
    guests = defaultGuests(),
  ) {
    this.guestSlots = new Slots(guests);
    const listed = kernels.some((k) => k !== "host") ? readKernelsFile() : [];
    const known = ["host", ...listed.map((k) => k.id)];
    const unknown = kernels.filter((k) => !known.includes(k));
    if (unknown.length)
      throw new LabError(
        "REUSELAB_BAD_ARGS",
        `unknown kernel ${unknown.join(", ")}: the kernels are ${known.join(", ")} (images/kernels/kernels.yaml), or give one with --kernel SPEC`,
      );
    for (const k of kernels)
      this.byKernel.set(
        k,
        k === "host"
          ? host === "docker"
            ? new DockerBackend()
            : new NetnsBackend()
          : new VmBackend(listed.find((l) => l.id === k)!),
      );
    for (const g of specs) {
      const key = g.id ?? `--kernel ${g.text}`;
      if (this.byKernel.has(key))
        throw new LabError(
          "REUSELAB_BAD_ARGS",
          `two kernels are named '${key}'; give each its own id (--kernel ID=SPEC)`,
        );
      this.byKernel.set(key, new VmBackend(g));
    }
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

  /** The slots a kernel's runs take (runAll's slotsFor): the guest slots for a guest, none for the host. */
  slotsFor(kernel: string): Slots | undefined {
    return this.byKernel.get(kernel) instanceof VmBackend ? this.guestSlots : undefined;
  }

  /**
   * Prepares every backend at once (downloads, image builds and boots overlap), except that no more
   * guests boot at once than there are guest slots; kernels in the order asked. Once: a second session
   * on the same backends uses what the first prepared (a second prepare would make a second pool of
   * namespaces, or boot a second guest, and leave the first behind); it has no leftovers to report.
   */
  async prepare(): Promise<{ kernels: KernelInfo[]; leftoversRemoved: PrepareReport["leftoversRemoved"] }> {
    if (this.prepared) return { ...(await this.prepared), leftoversRemoved: {} };
    this.prepared = this.prepareAll();
    return this.prepared;
  }

  private prepared?: ReturnType<KernelBackends["prepareAll"]>;

  private async prepareAll(): Promise<{ kernels: KernelInfo[]; leftoversRemoved: PrepareReport["leftoversRemoved"] }> {
    const backends = [...this.byKernel.values()];
    const reports = await Promise.all(
      backends.map((b) => (b instanceof VmBackend ? this.guestSlots.use(() => b.prepare()) : b.prepare())),
    );
    const leftoversRemoved: Record<string, number> = {};
    for (const r of reports)
      for (const [k, n] of Object.entries(r.leftoversRemoved)) leftoversRemoved[k] = (leftoversRemoved[k] ?? 0) + n;
    // Re-keyed by the ids the kernels turned out to have (a --kernel without an id is named by its release).
    const byId = new Map<string, Backend>();
    reports.forEach((r, i) => {
      for (const k of r.kernels) {
        if (byId.has(k.id))
          throw new LabError(
            "REUSELAB_BAD_ARGS",
            `two kernels have the id '${k.id}' (the same release?); name them apart with --kernel ID=SPEC`,
          );
        byId.set(k.id, backends[i]!);
      }
    });
    this.byKernel.clear();
    for (const [id, b] of byId) this.byKernel.set(id, b);
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
