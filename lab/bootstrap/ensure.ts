import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { LabError } from "../errors";

/** Runs lab/bootstrap/bootstrap.sh: it is quiet when the machine is ready, and says what it does when not. */
export function ensureMachine(part: "all" | "engine" | "toolchain" | "vm" | "compose" | "audit" = "all"): void {
  const script = join(__dirname, "bootstrap.sh");
  const r = spawnSync("bash", [script, part], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.error || r.status !== 0) {
    throw new LabError("REUSELAB_NO_ENGINE", `the machine is not ready for the lab (bash ${script} ${part} exited with ${r.status ?? r.error?.message}); its message is above`);
  }
}
