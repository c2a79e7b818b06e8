/**
 * Every call to the Docker engine has a bound. An engine whose socket accepts and then never answers
 * (dockerd stuck on a lock, a paused VM behind DOCKER_HOST) otherwise hangs the lab for good: the HTTP
 * client waits forever, and so does the cleanup after Ctrl-C. The bound is put on docker-modem's dial,
 * the one function through which the lab's dockerode and testcontainers' own client send every
 * request, so that no caller can forget it.
 *
 * - A call answers when its reply arrives: the whole body, or for a stream (logs, attach, build) its
 *   headers; what a stream says afterwards is its caller's to bound (a build's progress: probe-image.ts).
 * - POST /containers/ID/wait answers only when the container exits: its caller bounds it (awaitExit).
 * - Once a call has run out its bound the engine is taken as hung: later calls fail at once with that
 *   call's error instead of each waiting out a bound of its own; a ping and the cleanup's client
 *   (cleanupEngine) still get theirs.
 * - stopEngineCalls (Ctrl-C) ends the calls in flight at once and refuses new ones but the cleanup's.
 */
import Docker from "dockerode";
import type Modem from "docker-modem";
import { LabError } from "../../errors";

export const ENGINE_TIMEOUT_ENV = "REUSELAB_ENGINE_TIMEOUT_MS";
export const BUILD_TIMEOUT_ENV = "REUSELAB_BUILD_TIMEOUT_MS";
/** A loaded 2-core machine creates a container in seconds; a minute is an engine that does not answer. */
const ENGINE_TIMEOUT_DEFAULT = 60_000;
/** A build answers and then says something at each step; ten minutes of silence is a stuck build. */
const BUILD_TIMEOUT_DEFAULT = 600_000;

export const engineAddress = (): string => process.env.DOCKER_HOST ?? "/var/run/docker.sock";

function bound(env: string, fallback: number): number {
  const raw = process.env[env];
  if (raw === undefined || raw === "") return fallback;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `${env}=${raw} is not a number of milliseconds: give a whole number above 0 (the default is ${env}=${fallback})`,
    );
  }
  return ms;
}

/** How long one engine call may go unanswered (REUSELAB_ENGINE_TIMEOUT_MS). */
export const engineTimeoutMs = (): number => bound(ENGINE_TIMEOUT_ENV, ENGINE_TIMEOUT_DEFAULT);
/** How long an image build may go without a word (REUSELAB_BUILD_TIMEOUT_MS). */
export const buildTimeoutMs = (): number => bound(BUILD_TIMEOUT_ENV, BUILD_TIMEOUT_DEFAULT);

/** The error of a call that ran out its bound, worded as testcontainers words its own. */
export function unanswered(what: string, ms: number, env = ENGINE_TIMEOUT_ENV): LabError {
  return new LabError(
    "REUSELAB_ENGINE_HUNG",
    `Docker engine at ${engineAddress()} did not answer "${what}" within ${ms} ms (${env} sets the bound)`,
  );
}

const inFlight = new Set<AbortController>();
const exempt = new WeakSet<Modem>();
let hung: LabError | undefined;
let stopped: LabError | undefined;

/** The error of the first call that ran out its bound, if one did: the engine is taken as hung since. */
export const engineHung = (): LabError | undefined => hung;

/** Ends every engine call in flight with `reason`, and refuses new ones but the cleanup's, for good. */
export function stopEngineCalls(reason: LabError): void {
  stopped ??= reason;
  for (const c of inFlight) c.abort(reason);
}

/** A client for removing what a run made: it is still heard after stopEngineCalls or a hung call. */
export function cleanupEngine(): Docker {
  const docker = new Docker();
  exempt.add(docker.modem);
  return docker;
}

type Callback = NonNullable<Parameters<Modem["dial"]>[1]>;

/** "POST /containers/create", without the query or an API version. */
function callName(o: Modem.DialOptions): string {
  return `${o.method ?? "GET"} ${o.path.replace(/\?.*$/, "").replace(/^\/v\d+\.\d+\//, "/")}`;
}

function boundedDial(dial: Modem["dial"]): Modem["dial"] {
  return function (this: Modem, options: Modem.DialOptions, callback?: Callback): void {
    const what = callName(options);
    const path = what.slice(what.indexOf(" ") + 1);
    const done = callback ?? (() => undefined);
    const refused = exempt.has(this) ? undefined : (stopped ?? (path === "/_ping" ? undefined : hung));
    let ms: number | undefined;
    try {
      ms = /^\/containers\/[^/]+\/wait$/.test(path)
        ? undefined
        : path === "/build"
          ? buildTimeoutMs()
          : engineTimeoutMs();
    } catch (e) {
      process.nextTick(done, e as Error, null);
      return;
    }
    if (refused) {
      process.nextTick(done, refused, null);
      return;
    }
    const controller = new AbortController();
    let settled = false;
    const settle: Callback = (err, result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(controller);
      done(err, result);
    };
    const timer =
      ms === undefined
        ? undefined
        : setTimeout(
            // A turn later: after a stall of this process (a busy machine, a sync spawn), timers run
            // before the socket is read, and a reply that came in the meantime must win.
            () =>
              setImmediate(() => {
                if (settled) return;
                const e = unanswered(what, ms, path === "/build" ? BUILD_TIMEOUT_ENV : ENGINE_TIMEOUT_ENV);
                if (!exempt.has(this)) hung ??= e;
                controller.abort(e);
              }),
            ms,
          );
    // The request ends with the abort (docker-modem hands the signal to http.request); the caller hears
    // the reason now, whatever the request does next.
    controller.signal.addEventListener("abort", () => settle(controller.signal.reason as Error, null), { once: true });
    inFlight.add(controller);
    const signals = options.abortSignal ? [controller.signal, options.abortSignal] : [controller.signal];
    dial.call(this, { ...options, abortSignal: AbortSignal.any(signals) }, settle);
  };
}

// Once per process: dockerode's and testcontainers' clients are the same docker-modem class.
const modemClass = Object.getPrototypeOf(new Docker().modem) as Modem & { boundedByReuselab?: true };
if (!modemClass.boundedByReuselab) {
  modemClass.dial = boundedDial(modemClass.dial);
  modemClass.boundedByReuselab = true;
}
