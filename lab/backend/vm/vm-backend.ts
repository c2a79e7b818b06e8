/**
 * The vm backend: the netns backend's labs inside a guest kernel booted under QEMU, one guest per
 * kernel image, driven from here (images/guest/PROTOCOL.md). A case does not know which backend runs it.
 */
import { accessSync, constants } from "node:fs";
import type { Backend, KernelInfo, LabSpec, PrepareReport, StartedLab } from "../backend";
import { NetnsLab } from "../netns/netns-lab";
import { GuestVm, removeLeftoverVms } from "./guest-vm";
import { ensureKernelImage, type KernelImage } from "./kernel-images";

export class VmBackend implements Backend {
  readonly name = "vm";
  private vm?: GuestVm;
  private labs = 0;
  private readonly live = new Set<NetnsLab>();

  constructor(readonly kernelId: string) {}

  /** Milliseconds from QEMU's start to the guest agent's READY. */
  get bootMs(): number | undefined {
    return this.vm?.bootMs;
  }

  async prepare(): Promise<PrepareReport> {
    const removed = removeLeftoverVms();
    const image = ensureKernelImage(this.kernelId);
    this.vm = await bootWithBestAccel(image);
    return { kernels: [{ id: this.kernelId, release: this.vm.image.release }], leftoversRemoved: removed ? { "guest VMs": removed } : {} };
  }

  async start(spec: LabSpec, _kernel: KernelInfo): Promise<StartedLab> {
    if (!this.vm) throw new Error("VmBackend.start() before prepare()");
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
    await Promise.all([...this.live].map((l) => l[Symbol.asyncDispose]()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
    await this.vm?.[Symbol.asyncDispose]();
  }
}

/** Whether KVM works here, once known: /dev/kvm can open and still fail at run time ("KVM internal error"). */
let kvmVerdict: Promise<boolean> | undefined;
const KVM_TRIAL_MS = 20_000;

/** KVM where it works, software emulation (TCG) otherwise; the first guest finds out for the others. */
async function bootWithBestAccel(image: KernelImage): Promise<GuestVm> {
  if (!kvmVerdict) {
    if (!kvmOpens()) kvmVerdict = Promise.resolve(false);
    else {
      const trial = GuestVm.boot(image, "kvm", KVM_TRIAL_MS);
      kvmVerdict = trial.then(
        () => true,
        () => false,
      );
      if (await kvmVerdict) return trial;
    }
  }
  return GuestVm.boot(image, (await kvmVerdict) ? "kvm" : "tcg");
}

function kvmOpens(): boolean {
  if (process.env.REUSELAB_KVM === "0") return false;
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
