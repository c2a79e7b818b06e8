/**
 * reuselab bench: the seed guide's SO_REUSEPORT performance claims, measured (lab/bench/bench-main.ts).
 * Its numbers are read as given; run-bench.ts checks each against its range and names every one out of it.
 */
import type { Command } from "commander";
import type { BenchCommandOptions } from "../../bench/bench-main";
import { BENCH_DEFAULTS } from "../../bench/bench-settings";
import { addBackendOption, type ExitSink } from "../options";

const numberList = (value: string): number[] => value.split(",").map(Number);

export function benchCommand(parent: Command, exit: ExitSink): void {
  addBackendOption(
    parent
      .command("bench")
      .summary(
        "the guide's SO_REUSEPORT performance claims, measured: connections/s, latency, UDP rate and loss, balance",
      )
      .description("measures the seed guide's SO_REUSEPORT performance claims on this machine")
      .option("--n <list>", `worker counts to compare (default ${BENCH_DEFAULTS.workers.join(",")})`, numberList)
      .option("--duration <ms>", `each measurement's length (default ${BENCH_DEFAULTS.durationMs})`, Number)
      .option(
        "--udp-rate <n>",
        "datagrams a second per sender in the throughput measurement (default 0: unpaced)",
        Number,
      )
      .option(
        "--loss-rate <n>",
        "datagrams a second, all senders, in the loss measurement (default: half of what the senders offered in the first throughput measurement)",
        Number,
      )
      .option("--json <file>", 'the results: {"schema":1, …, "bench":{…}}')
      .option("--html <file>", "a page with the scaling chart and the verdicts"),
  ).action(async (o: BenchCommandOptions) => exit(await (await import("../../bench/bench-main")).benchAction(o)));
}
