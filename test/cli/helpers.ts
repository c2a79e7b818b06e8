import { spawnSync } from "node:child_process";
import { main } from "../../lab/cli/main";

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** The CLI as users run it: its own process, plain output (NO_COLOR) unless env says otherwise. */
export function lab(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The CLI in this process, for what needs no process of its own (help, bad arguments, list): a spawn
 * costs seconds of TypeScript compiling on a busy machine. Captures stdout and stderr, so tests using
 * it must be serial.
 */
export async function labHere(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

export { scratch } from "../scratch";
