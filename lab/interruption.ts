/**
 * The one way a command, the bench or the demo is interrupted: SIGINT or SIGTERM (or a caller's
 * AbortSignal) aborts a signal whose reason is a LabError REUSELAB_INTERRUPTED, so whoever catches it
 * exits with exitStatusOf's status (130), and a second signal while the first is being handled exits at
 * once.
 */
import { LabError } from "./errors";
import { EXIT } from "./exit-codes";

export interface Interruptible extends Disposable {
  signal: AbortSignal;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM during a command: say so once on stderr, abort the signal (its reason: a
 * LabError REUSELAB_INTERRUPTED), and run `also` (e.g. remove the lab at once); a second one exits at
 * once (130). Handled only while the returned object is in scope.
 */
export function interruptible(message: string, also?: () => void): Interruptible {
  const controller = new AbortController();
  const what = message.split(":")[0];
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second one while the first is being handled: the user will not wait for the cleanup.
      process.stderr.write(
        `\n${what}: interrupted again: exiting without waiting for the cleanup; what was not removed yet (containers, networks, namespaces, guests) may still be there: 'reuselab clean' removes it\n`,
      );
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\n${message}\n`);
    controller.abort(new LabError("REUSELAB_INTERRUPTED", `${what} was interrupted by ${sig}`));
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

/** Once the signal has fired: a LabError REUSELAB_INTERRUPTED, "`what` was interrupted". */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new LabError("REUSELAB_INTERRUPTED", `${what} was interrupted`);
}

export type StopSignal = Interruptible;

/**
 * When a demo must stop: its caller's signal, or, when the caller gives none, SIGINT and SIGTERM
 * (interruptible, for the demo's duration only, so that Ctrl-C still tears it down); and in any case
 * its time limit. The reason is always a LabError: REUSELAB_INTERRUPTED or REUSELAB_TIMEOUT.
 */
export function stopSignal(what: string, caller: AbortSignal | undefined, timeoutMs: number): StopSignal {
  const controller = new AbortController();
  const stop = (reason: LabError) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const own = caller ? undefined : interruptible(`${what}: interrupted; stopping it and removing its containers`);
  const from = caller ?? own!.signal;
  // interruptible's reason names the signal ("… was interrupted by SIGINT"); a caller's may be anything.
  const onAbort = () =>
    stop(
      from.reason instanceof LabError && from.reason.code === "REUSELAB_INTERRUPTED"
        ? from.reason
        : new LabError("REUSELAB_INTERRUPTED", `${what} was interrupted`),
    );
  // Infinity: no deadline (setTimeout would fire at once on it).
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(
        () => stop(new LabError("REUSELAB_TIMEOUT", `${what} did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      )
    : undefined;
  if (from.aborted) onAbort();
  else from.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      clearTimeout(timer);
      from.removeEventListener("abort", onAbort);
      own?.[Symbol.dispose]();
    },
  };
}

/** The promise's value, unless the signal fires first: then its reason is thrown (the promise runs on). */
export function unlessStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
