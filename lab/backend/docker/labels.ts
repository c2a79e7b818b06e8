import { hostname } from "node:os";
import { selfIdentity } from "../../process-stat";

/** Every Docker object of the lab carries these, so that it can always be found and removed. */
export const RUN_LABEL = "reuselab.run";
export const PID_LABEL = "reuselab.pid";
export const HOST_LABEL = "reuselab.host";
export const CASE_LABEL = "reuselab.case";
export const START_LABEL = "reuselab.pidstart";
/** Unique per lab (one run of one case), even when the same run id runs twice at once. */
export const LAB_LABEL = "reuselab.lab";

const self = selfIdentity();

export function labLabels(runLabel: string, lab?: { runId: string; id: string }): Record<string, string> {
  return {
    [RUN_LABEL]: runLabel,
    [PID_LABEL]: String(self.pid),
    [START_LABEL]: self.start,
    [HOST_LABEL]: hostname(),
    ...(lab ? { [CASE_LABEL]: lab.runId, [LAB_LABEL]: lab.id } : {}),
  };
}

/** The reuselab.run label's value for one invocation of the lab: unique per invocation. */
export function newRunLabel(): string {
  return `rl-${Date.now().toString(36)}-${process.pid}`;
}
