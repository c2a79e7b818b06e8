/**
 * Ctrl-C (SIGINT) or SIGTERM during a command: say so once on stderr, abort the command's signal, and
 * run `also` (e.g. remove the lab at once). Handled only while the returned object is in scope.
 */
export interface Interruptible extends Disposable {
  signal: AbortSignal;
}

export function interruptible(message: string, also?: () => void): Interruptible {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${message}\n`);
    controller.abort();
    also?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
