import { hostname } from "node:os";

/** Every Docker object of the lab carries these, so that it can always be found and removed. */
export const RUN_LABEL = "reuselab.run";
export const PID_LABEL = "reuselab.pid";
export const HOST_LABEL = "reuselab.host";
export const CASE_LABEL = "reuselab.case";

export function labLabels(session: string, runId?: string): Record<string, string> {
  return {
    [RUN_LABEL]: session,
    [PID_LABEL]: String(process.pid),
    [HOST_LABEL]: hostname(),
    ...(runId ? { [CASE_LABEL]: runId } : {}),
  };
}

/** A lab session id: unique per invocation of the lab. */
export function newSession(): string {
  return `rl-${Date.now().toString(36)}-${process.pid}`;
}
