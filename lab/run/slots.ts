/**
 * A fixed number of slots that callers take in turn: first come, first served. The matrix gives guest
 * kernels one slot each (boot, then all their runs): under software emulation a guest is one busy CPU
 * thread, so more guests than cores only share the cores and slow each other down (and a starved guest
 * misses its own timers); the guests beyond the slots wait, idle, for one to finish.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: ${size} is not a whole number of at least 1`);
    this.free = size;
  }

  /** Runs `work` in a slot, waiting for one if all are taken; the slot is given back however it ends. */
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
