/**
 * reuselab [command] [options]: the commands are in commands/, one file each; this file parses (with
 * commander), dispatches, and turns what went wrong into an exit status (lab/exit-codes.ts). With no
 * command, or options first, the command is `run`.
 */
import { Command, CommanderError } from "commander";
import { LabError } from "../errors";
import { packageVersion } from "../package-root";
import { auditCommand } from "./commands/audit";
import { benchCommand } from "./commands/bench";
import { cleanCommand } from "./commands/clean";
import { demoCommand } from "./commands/demo";
import { doctorCommand } from "./commands/doctor";
import { explainCommand } from "./commands/explain";
import { listCommand } from "./commands/list";
import { mergeCommand } from "./commands/merge";
import { runCommands } from "./commands/run";
import { EXIT, exitStatusOf } from "../exit-codes";
import { watchLaunchers } from "./launcher-watch";

const AFTER_HELP = `
Every command has its own --help: reuselab COMMAND --help.
With no command, or options first, the command is run: 'reuselab --filter hijack' runs the hijack cases.
From a clone of reuselab itself: npm run lab -- [command] [options].

exit status: 0 all passed, 1 a run failed, 2 bad input or environment, 130 interrupted
`;

function program(exit: (code: number) => void, out: (s: string) => void, err: (s: string) => void): Command {
  const p = new Command("reuselab")
    .usage("[command] [options]")
    .description("Runs SO_REUSEADDR / SO_REUSEPORT cases on real Linux kernels and judges what the kernel does.")
    .version(packageVersion(), "-V, --version", "print reuselab's version")
    .addHelpText("after", AFTER_HELP)
    // Settings set here are inherited by every command made with p.command().
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: out,
      writeErr: err,
      // Off a terminal (a pipe, a CI log) lines may be longer than the 80 columns commander assumes.
      getOutHelpWidth: () => (process.stdout.isTTY ? process.stdout.columns : 100),
      getErrHelpWidth: () => (process.stderr.isTTY ? process.stderr.columns : 100),
      outputError: (text, write) => write(`reuselab: ${text.replace(/^error: /, "")}`),
    })
    .showHelpAfterError("(add --help for the options)");
  runCommands(p, exit);
  listCommand(p, exit);
  explainCommand(p, exit);
  demoCommand(p, exit);
  doctorCommand(p, exit);
  cleanCommand(p, exit);
  mergeCommand(p, exit);
  benchCommand(p, exit);
  auditCommand(p, exit);
  return p;
}

/** Options first (or nothing at all) means `run`, so `npm run lab -- --filter x` keeps working. */
function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  const own = ["-h", "--help", "-V", "--version"];
  if (first === undefined || (first.startsWith("-") && !own.includes(first))) return ["run", ...argv];
  return [...argv];
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.passed;
  const p = program(
    (c) => (code = c),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
  try {
    await p.parseAsync(withDefaultCommand(argv), { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.passed : EXIT.badInput;
    if (e instanceof LabError) {
      process.stderr.write(`reuselab: ${e.message}\n`);
      return exitStatusOf(e);
    }
    throw e;
  }
}

/** A reader that goes away (| head) ends the output, not the run: the lab still cleans up and exits. */
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
}

/**
 * The process that started the runner ended (SIGTERM to npm alone, as CI runners send): stop as on
 * SIGTERM, so whatever the command cleans up on SIGTERM it cleans up now.
 */
function stopWhenAbandoned(): void {
  // Only under npm (npm run, npx): a runner started from a shell with nohup or & is meant to outlive it.
  if (process.env.npm_lifecycle_event === undefined && process.env.npm_command === undefined) return;
  watchLaunchers((l) => {
    process.stderr.write(
      `\nreuselab: the process that started this one has ended (pid ${l.pid}: ${l.command}); stopping as on SIGTERM\n`,
    );
    process.kill(process.pid, "SIGTERM");
  });
}

/** The process entry (bin.js, npm run lab): runs main and exits with its status. */
export function runCli(argv = process.argv.slice(2)): void {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  stopWhenAbandoned();
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`reuselab: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(EXIT.badInput);
    },
  );
}

if (require.main === module) runCli();
