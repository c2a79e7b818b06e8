/**
 * Ctrl-C (SIGINT) or SIGTERM during a command: say so once on stderr, abort the command's signal, and
 * run `also` (e.g. remove the lab at once); a second one exits at once (130). Handled only while the
 * returned object is in scope.
 */
export interface Interruptible extends Disposable {
  signal: AbortSignal;
}

export function interruptible(message: string, also?: () => void): Interruptible {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      // A second one while the first is being handled: the user will not wait for the cleanup.
      process.stderr.write(`\n${message.split(":")[0]}: interrupted again: exiting without waiting for the cleanup; what was not removed yet (containers, networks, namespaces, guests) may still be there: 'reuselab clean' removes it\n`);
      process.exit(130);
    }
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
