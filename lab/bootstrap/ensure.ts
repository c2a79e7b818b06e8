import { spawnSync } from "node:child_process";
import { systemEnv, systemTool } from "../system-tools";
import { join } from "node:path";
import { LabError } from "../errors";
import { PACKAGE_ROOT } from "../package-root";

/** Runs lab/bootstrap/bootstrap.sh: it is quiet when the machine is ready, and says what it does when not. */
export function ensureMachine(part: "all" | "engine" | "toolchain" | "vm" | "compose" | "audit" = "all"): void {
  const script = join(PACKAGE_ROOT, "lab/bootstrap/bootstrap.sh");
  const r = spawnSync(systemTool("bash", "bash"), [script, part], {
    stdio: ["ignore", "inherit", "inherit"],
    env: systemEnv(),
  });
  if (r.error || r.status !== 0) {
    throw new LabError(
      "REUSELAB_NOT_READY",
      `the machine is not ready for the lab (bash ${script} ${part} exited with ${r.status ?? r.error?.message}); its message is above`,
    );
  }
}
