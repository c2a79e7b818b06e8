/**
 * reuselab demo hijack: compose.yaml's standing demo of the UDP port hijack, run once through
 * lab/demo/hijack-demo.ts, and who answered. Exit 0 when the attacker took every request (what Linux
 * does), 1 when the kernel did otherwise, 2 without an engine or compose, 130 on Ctrl-C.
 */
import { Argument, type Command } from "commander";
import { LabError } from "../../errors";
import { EXIT } from "../../exit-codes";
import { wholeNumber, type ExitSink } from "../options";

export function demoCommand(parent: Command, exit: ExitSink): void {
  parent
    .command("demo")
    .summary("the standing hijack demo of compose.yaml: who answers the client")
    .description(
      "the standing demo of compose.yaml: a victim, an attacker in its network namespace and a client, who answers the client",
    )
    .addArgument(new Argument("<name>", "the demo").choices(["hijack"]))
    .option("--requests <n>", "requests the client sends, one every 200 ms", wholeNumber("--requests", 1, 1000), 10)
    .option(
      "--compose <path>",
      "a standalone compose executable (default: docker-compose, Debian's v1; a v2 binary works the same)",
    )
    .action(async (_name: "hijack", o: { requests: number; compose?: string }) => {
      const { ensureMachine } = await import("../../bootstrap/ensure");
      ensureMachine("toolchain");
      ensureMachine(o.compose ? "engine" : "compose");
      const [{ runHijackDemo }, { formatHijackDemo }] = await Promise.all([
        import("../../demo/hijack-demo"),
        import("../../demo/hijack-demo-report"),
      ]);
      try {
        const r = await runHijackDemo({ requests: o.requests, ...(o.compose ? { compose: o.compose } : {}) });
        process.stdout.write(formatHijackDemo(r));
        exit(r.sent > 0 && r.answeredByAttacker === r.sent ? EXIT.passed : EXIT.failed);
      } catch (e) {
        if (!(e instanceof LabError && e.code === "REUSELAB_INTERRUPTED")) throw e;
        process.stderr.write(`reuselab: ${e.message}\n`);
        exit(EXIT.interrupted);
      }
    });
}
