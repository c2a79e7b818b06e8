/** reuselab clean: removes what killed runs left (containers, networks, namespaces, guests), never a live run's. */
import type { Command } from "commander";
import { EXIT } from "../../exit-codes";
import type { ExitSink } from "../options";

export function cleanCommand(parent: Command, exit: ExitSink): void {
  parent
    .command("clean")
    .summary("remove what killed runs left: containers, networks, namespaces, guests")
    .description(
      "remove every object a killed or crashed run left: docker containers and networks, network namespaces, guest VMs; a run still going keeps its own",
    )
    .action(async () => {
      const { removeAllLeftovers } = await import("../../backend/leftovers");
      const { removed, unchecked } = await removeAllLeftovers();
      const counts = Object.entries(removed).map(([what, n]) => `${n} ${what}`);
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      // "Nothing left" only when everything was looked at: what could not be checked may still be there.
      const engineUnchecked = removed.containers === undefined;
      const headline = total || engineUnchecked ? `removed ${counts.join(", ")}` : "nothing left by killed runs";
      process.stdout.write(
        `reuselab clean: ${headline}${engineUnchecked ? "; containers and networks not checked (below)" : ""}\n`,
      );
      for (const u of unchecked) process.stdout.write(`  not checked: ${u}\n`);
      exit(EXIT.passed);
    });
}
