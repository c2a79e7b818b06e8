/**
 * reuselab bench: the seed guide's SO_REUSEPORT performance claims, measured (lab/bench/bench-main.ts).
 * The bench parses its own options, so its words are passed through as they are.
 */
import type { Command } from "commander";
import type { ExitSink } from "../options";

export function benchCommand(parent: Command, exit: ExitSink): void {
  parent
    .command("bench")
    .summary("the guide's SO_REUSEPORT performance claims, measured: connections/s, latency, UDP rate and loss, balance")
    .description("measures the seed guide's SO_REUSEPORT performance claims on this machine (reuselab bench --help for its options)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[options...]", "the bench's own options: --n LIST, --duration MS, --backend NAME, --json FILE, --html FILE, --help")
    .action(async (words: string[]) => exit(await (await import("../../bench/bench-main")).main(words)));
}
