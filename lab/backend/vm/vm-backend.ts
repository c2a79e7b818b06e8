/**
 * The vm backend: the netns backend's labs inside a guest kernel booted under QEMU, one guest per
 * kernel, driven from here (images/guest/PROTOCOL.md). A case does not know which backend runs it.
 */
import type { Backend, LabSpec, PrepareReport, StartedLab } from "../backend";
import type { KernelInfo } from "../../kernel-info";
import { LabError } from "../../errors";
import { LiveLabs } from "../live-labs";
import { NetnsLab } from "../netns/netns-lab";
import { NetnsPool } from "../netns/netns-pool";
import { GuestVm, removeLeftoverVms } from "./guest-vm";
import { configUnknown, prepareKernel } from "./kernel-source";
import { describeSpec, type GuestKernel } from "./kernel-spec";

export class VmBackend implements Backend {
  readonly name = "vm";
  private vm?: GuestVm;
  private pool?: NetnsPool;
  private readonly labs = new LiveLabs<NetnsLab>();
  /** Set by abort(): a guest still waiting for its boot slot is not booted. */
  private aborting = false;
  private info?: KernelInfo;

  constructor(
    readonly kernel: GuestKernel,
    private readonly say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  /** Milliseconds from QEMU's start to the guest agent's READY. */
  get bootMs(): number | undefined {
    return this.vm?.bootMs;
  }

  /** Whether the guest was restored from its kernel's saved guest rather than booted (guest-snapshot.ts). */
  get restored(): boolean | undefined {
    return this.vm?.restored;
  }

  /** The guest's directory, while it runs (guest-vm.ts). */
  get guestDir(): string | undefined {
    return this.vm?.dir;
  }

  /** The kernel's id: the one given, else its release (known once prepared). */
  get kernelId(): string {
    return this.info?.id ?? this.kernel.id ?? describeSpec(this.kernel.spec);
  }

  async prepare(): Promise<PrepareReport> {
    // The kernel is fetched and its config checked before anything else: a kernel that cannot run the
    // guest is refused without a boot.
    const prepared = await prepareKernel(this.kernel);
    const id = this.kernel.id ?? prepared.release;
    const unknown = configUnknown(prepared);
    if (unknown) this.say(`reuselab: kernel ${id}: its config is unknown (${unknown}); booting it unchecked`);
    // A guest that waited for a boot slot (--guests) while the run was interrupted is not booted at all.
    if (this.aborting) throw new LabError("REUSELAB_INTERRUPTED", `kernel ${id}: not booted, the run was interrupted`);
    const removed = removeLeftoverVms();
    this.vm = await GuestVm.boot(id, prepared.dir);
    this.pool = new NetnsPool(this.vm.host, "rl-");
    const build = (await this.vm.host.script("cat /proc/version")).trim();
    this.info = { id, release: this.vm.image.release, build, source: prepared.source };
    return { kernels: [this.info], leftoversRemoved: removed ? { "guest VMs": removed } : {} };
  }

  async start(spec: LabSpec, kernel: KernelInfo): Promise<StartedLab> {
    const { vm, pool } = this;
    if (!vm || !pool) throw new Error("VmBackend.start() before prepare()");
    return this.labs.start(spec.runId, (forget) => new NetnsLab(vm.host, spec, kernel, "", forget, pool));
  }

  /** Namespace sets and probes made and reused in the guest (netns-pool.ts). */
  get reuse() {
    return this.pool?.counts;
  }

  async abort(): Promise<void> {
    this.aborting = true;
    await this.labs.abort();
    await this.pool?.drain();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
    await this.vm?.[Symbol.asyncDispose]();
  }
}
