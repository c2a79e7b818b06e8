/**
 * The machine's own speed, as a bench sees it: a fixed piece of work (integer arithmetic, no memory,
 * no I/O) and the CPU time it took. On this project's virtual machines the same work took 1.5 s and
 * 2.6 s of CPU a minute apart, so a bench says it at its start and at its end: figures taken at
 * different speeds are not comparable, and a slower figure with a slower loop is the machine's.
 */
const ROUNDS = 50_000_000;

/** Milliseconds of CPU (user and system) that the fixed work took in this process. */
export function fixedWorkCpuMs(rounds = ROUNDS): { ms: number; result: number } {
  const start = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < rounds; i++) x = (x * 31 + i) | 0;
  const used = process.cpuUsage(start);
  // The result is returned so that the loop is not optimised away.
  return { ms: (used.user + used.system) / 1000, result: x };
}
