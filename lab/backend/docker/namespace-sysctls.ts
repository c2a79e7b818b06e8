/**
 * A run's namespaced sysctls, written into a holder's namespace when the run leases it and put back
 * when the run gives it back, so that any idle holder serves any run (holder-pool.ts). Docker writes a
 * container's `Sysctls` the same way, into /proc/sys of its new namespace before its process starts;
 * here the run's actors have not started yet either. Every value is read back: a namespace that does
 * not hold what the run asked for is not used, nor is one whose values cannot be put back.
 * Root only, like the scrub (namespace-scrub.ts): the host enters the holder's namespace with the
 * system's nsenter and runs a shell there, with a PATH without node_modules (../../system-tools.ts).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { systemEnv, systemTool } from "../../system-tools";
import { shellQuote } from "../netns/netns-host";

const run = promisify(execFile);

const file = (key: string) => `/proc/sys/${key.replace(/\./g, "/")}`;
/** The kernel prints some values with tabs between their fields (ip_local_port_range): compared by words. */
const words = (v: string) => v.trim().split(/\s+/).join(" ");

/**
 * Sets `sysctls` in the namespace of process `pid`; returns each one's value from before, which
 * `restoreNamespace` puts back. Throws when a value cannot be written or reads back otherwise, after
 * putting back what it could.
 */
export async function tuneNamespace(
  pid: number,
  sysctls: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const keys = Object.keys(sysctls);
  if (keys.length === 0) return {};
  const before = await inside(pid, keys, {}).catch((e: unknown) => {
    throw new Error(`sysctl ${keys.join(", ")} could not be read in the lab's namespace: ${stderrOf(e)}`);
  });
  const problem = await written(pid, sysctls);
  if (problem) {
    await written(pid, before);
    throw new Error(problem);
  }
  return before;
}

/** Puts back the values `tuneNamespace` returned; false when one does not read back as it was. */
export async function restoreNamespace(pid: number, before: Readonly<Record<string, string>>): Promise<boolean> {
  return Object.keys(before).length === 0 || (await written(pid, before)) === undefined;
}

/** Writes each value and reads it back: what went wrong, or undefined. */
async function written(pid: number, sysctls: Readonly<Record<string, string>>): Promise<string | undefined> {
  const keys = Object.keys(sysctls);
  let now: Record<string, string>;
  try {
    now = await inside(pid, keys, sysctls);
  } catch (e) {
    return `sysctl ${keys.join(", ")} could not be set in the lab's namespace: ${stderrOf(e)}`;
  }
  const wrong = keys.filter((k) => words(now[k]!) !== words(sysctls[k]!));
  if (wrong.length === 0) return undefined;
  return `sysctl ${wrong.map((k) => `${k} reads ${JSON.stringify(now[k])} after writing ${JSON.stringify(sysctls[k])}`).join("; ")}`;
}

const stderrOf = (e: unknown) => ((e as { stderr?: string }).stderr || (e as Error).message).trim();

/** In the namespace of `pid`: writes `writes`, then reads every key of `keys`, in one shell. */
async function inside(
  pid: number,
  keys: readonly string[],
  writes: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const script = [
    ...Object.entries(writes).map(([k, v]) => `echo ${shellQuote(v)} > ${shellQuote(file(k))}`),
    ...keys.map((k) => `cat ${shellQuote(file(k))}`),
  ].join(" && ");
  const values = (await inNamespace(pid, script)).split("\n");
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ""]));
}

/** A shell script's stdout, run in the namespace of `pid`; rejects when it fails (with its stderr) or runs past 5 s. */
async function inNamespace(pid: number, script: string): Promise<string> {
  const nsenter = systemTool("nsenter", "util-linux");
  const { stdout } = await run(nsenter, [`--net=/proc/${pid}/ns/net`, "--", "sh", "-c", script], {
    timeout: 5000,
    env: systemEnv(),
  });
  return stdout;
}
