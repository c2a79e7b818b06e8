import { LabError } from "../errors";

export interface StopSignal extends Disposable {
  signal: AbortSignal;
}

/**
 * When a demo must stop: its caller's signal, or, when the caller gives none, SIGINT and SIGTERM
 * (handled for the demo's duration only, so that Ctrl-C still tears it down); and in any case its
 * time limit. The reason is always a LabError: REUSELAB_INTERRUPTED or REUSELAB_TIMEOUT.
 */
export function stopSignal(what: string, caller: AbortSignal | undefined, timeoutMs: number): StopSignal {
  const controller = new AbortController();
  const stop = (reason: LabError) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onCaller = () => stop(new LabError("REUSELAB_INTERRUPTED", `${what} was interrupted`));
  const onSignal = (sig: NodeJS.Signals) => stop(new LabError("REUSELAB_INTERRUPTED", `${what} was interrupted by ${sig}`));
  // Infinity: no deadline (setTimeout would fire at once on it).
  const timer = Number.isFinite(timeoutMs) ? setTimeout(() => stop(new LabError("REUSELAB_TIMEOUT", `${what} did not finish within ${timeoutMs} ms`)), timeoutMs) : undefined;
  if (caller) {
    if (caller.aborted) onCaller();
    else caller.addEventListener("abort", onCaller, { once: true });
  } else {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onCaller);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
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
