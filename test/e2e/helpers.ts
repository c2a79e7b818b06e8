import type { ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import type { RunResult, StepResult } from "../../lab/verdict/outcome";

/** The step of a run done by `actor` whose call starts with `call`; fails the test if there is none. */
export function step(t: ExecutionContext, run: RunResult | undefined, actor: string, call: string, nth = 0): StepResult {
  if (!run) {
    t.fail("no such run");
    throw new Error("no such run");
  }
  const found = run.steps.filter((s) => s.actor === actor && s.call.startsWith(call))[nth];
  if (!found) {
    t.fail(`${run.id}: no step '${actor}: ${call}'`);
    throw new Error("no such step");
  }
  return found;
}

/** Docker objects carrying a label filter, e.g. "reuselab.run" or "reuselab.run=<session>". */
export function labelled(label: string): { containers: number; networks: number } {
  const count = (args: string[]) => spawnSync("docker", [...args, "-q", "--filter", `label=${label}`], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).length;
  return { containers: count(["ps", "-a"]), networks: count(["network", "ls"]) };
}
