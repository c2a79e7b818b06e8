/**
 * The vm backend: the netns backend's labs inside a guest kernel booted under QEMU, one guest per
 * kernel image, driven from here (images/guest/PROTOCOL.md). A case does not know which backend runs it.
 */
import type { Backend, KernelInfo, LabSpec, PrepareReport, StartedLab } from "../backend";
import { NetnsLab } from "../netns/netns-lab";
import { GuestVm, removeLeftoverVms } from "./guest-vm";
import { kernelIds } from "./kernel-images";
import { LabError } from "../../errors";

export class VmBackend implements Backend {
  readonly name = "vm";
  private vm?: GuestVm;
  private labs = 0;
  private readonly live = new Set<NetnsLab>();
  private aborted = false;

  constructor(readonly kernelId: string) {}

  /** Milliseconds from QEMU's start to the guest agent's READY. */
  get bootMs(): number | undefined {
    return this.vm?.bootMs;
  }

  async prepare(): Promise<PrepareReport> {
    if (!kernelIds().includes(this.kernelId)) throw new LabError("REUSELAB_BAD_ARGS", `unknown kernel '${this.kernelId}' (images/kernels/kernels.yaml has ${kernelIds().join(", ")})`);
    const removed = removeLeftoverVms();
    this.vm = await GuestVm.boot(this.kernelId);
    return { kernels: [{ id: this.kernelId, release: this.vm.image.release }], leftoversRemoved: removed ? { "guest VMs": removed } : {} };
  }

  async start(spec: LabSpec, _kernel: KernelInfo): Promise<StartedLab> {
    if (!this.vm) throw new Error("VmBackend.start() before prepare()");
    // After abort() nothing new is made: a lab started now would outlive the removal.
    if (this.aborted) throw new LabError("REUSELAB_INTERRUPTED", `${spec.runId}: not started, the run was interrupted`);
    const lab: NetnsLab = new NetnsLab(this.vm.host, spec, `rl-${++this.labs}`, () => this.live.delete(lab));
    this.live.add(lab);
    try {
      await lab.start();
    } catch (e) {
      await lab[Symbol.asyncDispose]();
      throw e;
    }
    return lab;
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await Promise.all([...this.live].map((l) => l[Symbol.asyncDispose]()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
    await this.vm?.[Symbol.asyncDispose]();
  }
}
