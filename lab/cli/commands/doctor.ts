/**
 * reuselab doctor: what the machine has for each backend and kernel, and how to fix what it lacks.
 * Installs and starts nothing (`npm run lab` does that, as root on Debian). Exit 0 when what `run`
 * needs with these options is there, 2 otherwise; the optional parts never fail it.
 */
import type { Command } from "commander";
import type { Check } from "../../bootstrap/checks";
import { LabError } from "../../errors";
import type { HostBackend } from "../../backend/host-backends";
import { EXIT } from "../../exit-codes";
import { addBackendOption, addKernelsOption, type ExitSink } from "../options";

/** What each check is for, as the table says it. */
const PURPOSE: Record<string, string> = {
  engine: "docker backend",
  toolchain: "the probe (every backend)",
  "probe-image": "the probe (every backend)",
  root: "netns backend",
  "netns-tools": "netns backend",
  "vm-tools": "guest kernels",
  kvm: "guest kernels, speed",
  "report-tools": "report tests (npm test)",
  compose: "demo hijack",
  "egress-guard": "docker backend (no route out)",
  audit: "service audit",
  fuzz: "the probe's fuzzer",
  "kernel-build": "building a kernel (images/kernels/build-kernel.sh)",
};

export function doctorCommand(parent: Command, exit: ExitSink): void {
  const cmd = parent
    .command("doctor")
    .summary("what the machine has for the lab, and how to fix what it lacks")
    .description(
      "what the machine has for the lab (engine, toolchain, probe image, guest kernels, root…) and how to fix what it lacks; installs nothing",
    );
  addKernelsOption(cmd, "the kernels `run` would use (default: host)");
  addBackendOption(cmd).action(async (o: { kernels?: string[]; backend: HostBackend }) =>
    exit(await doctor(o.kernels ?? ["host"], o.backend)),
  );
}

async function doctor(kernels: readonly string[], backend: HostBackend): Promise<number> {
  const known = ["host", ...(await import("../../backend/vm/kernel-images")).kernelIds()];
  const unknown = kernels.filter((k) => !known.includes(k));
  if (unknown.length)
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `unknown kernel ${unknown.join(", ")}: the kernels are ${known.join(", ")} (images/kernels/kernels.yaml)`,
    );
  const guests = kernels.filter((k) => k !== "host");
  // The checks reach for the engine and the probe's build: loaded here, not for --help.
  const [{ kernelImageChecks, machineChecks, probeImageCheck }, { colorsFor, plainTable, tableText, wantsColor }] =
    await Promise.all([import("../../bootstrap/checks"), import("../../terminal")]);
  const machine = machineChecks([
    "toolchain",
    "engine",
    "netns",
    "vm",
    "report",
    "compose",
    "audit",
    "fuzz",
    "kernel-build",
  ]);
  const engineOk = machine.some((c) => c.name === "engine" && c.status === "ok");
  const checks = [...machine, await probeImageCheck(engineOk), ...kernelImageChecks()];
  const needed = new Set(["toolchain", "probe-image"]);
  if (kernels.includes("host"))
    for (const n of backend === "docker" ? ["engine", "egress-guard"] : ["root", "netns-tools"]) needed.add(n);
  if (guests.length) needed.add("vm-tools");

  const c = colorsFor(wantsColor(process.stdout));
  const table = plainTable(["check", "for", "status", "what is there, or how to fix it"], c, {
    colWidths: [null, null, null, process.stdout.isTTY ? Math.max(40, process.stdout.columns - 60) : null],
    wordWrap: true,
  });
  const status = (x: Check) =>
    x.status === "ok"
      ? c.green("ok")
      : x.status === "warn"
        ? c.yellow("warn")
        : needed.has(x.name)
          ? c.red("MISSING")
          : c.yellow("missing");
  for (const x of checks)
    table.push([
      x.name,
      PURPOSE[x.name] ?? (x.name.startsWith("kernel-") ? `guest kernel ${x.name.slice(7)}` : ""),
      status(x),
      x.text,
    ]);
  process.stdout.write(`${tableText(table)}\n`);

  const failing = checks.filter((x) => needed.has(x.name) && x.status === "missing");
  const what = `'reuselab run${kernels.join(",") === "host" ? "" : ` --kernels ${kernels.join(",")}`}${backend === "docker" ? "" : ` --backend ${backend}`}'`;
  if (failing.length === 0) {
    process.stdout.write(`ready for ${what}\n`);
    return EXIT.passed;
  }
  process.stdout.write(
    `not ready for ${what}: ${failing.map((x) => x.name).join(", ")} missing (as root on Debian, 'npm run lab' installs what it needs)\n`,
  );
  return EXIT.badInput;
}
