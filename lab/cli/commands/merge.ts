/**
 * reuselab merge OUT.json IN.json…: joins the JSON results of several jobs (a CI job per kernel) into
 * one, recomputes the claims audit over all of them, and writes the other reports from the whole.
 */
import type { Command } from "commander";
import { EXIT } from "../../exit-codes";
import { addKnownBugsOption } from "../known-bugs-option";
import { allowlistFor, allowlistPath, type KnownBugsOptions } from "../../case/known-bugs-file";
import { addCasesOption, casePaths, type ExitSink, type ReportOptions, type SelectionOptions } from "../options";

export function mergeCommand(parent: Command, exit: ExitSink): void {
  const cmd = parent
    .command("merge")
    .summary("join several jobs' --json results into one, claims audit recomputed")
    .description(
      "join the --json results of several jobs (e.g. one per kernel) into one file, with the claims audit recomputed over all their runs",
    )
    .argument("<out>", "the merged results (schema 1) to write")
    .argument("<inputs...>", "results files written by 'reuselab run --json FILE'");
  addKnownBugsOption(addCasesOption(cmd))
    .option("--junit <file>", "also write a JUnit XML report of the merged results")
    .option("--html <file>", "also write the HTML report of the merged results")
    .action(async (out: string, inputs: string[], o: SelectionOptions & ReportOptions & KnownBugsOptions) => {
      // The report writers and the case loader load here, not for --help.
      const [
        { countOutcomes },
        { mergeResults, plannedMerged, readResultsFile },
        { caseFilesRead, ReportFiles },
        { EventBus },
        { isBad },
        { recordSession },
        { loadCatalogue },
      ] = await Promise.all([
        import("../../report/console-reporter"),
        import("../../report/merge-results"),
        import("../file-reporters"),
        import("../../events/events"),
        import("../../verdict/outcome"),
        import("../../run/session"),
        import("../../case/load-cases"),
      ]);
      const allowlist = allowlistPath(o);
      const reads = [
        ...inputs.map((file) => ({ file, what: "a results file this merge reads" })),
        ...caseFilesRead(casePaths(o)),
        ...(allowlist ? [{ file: allowlist, what: "the known-bugs allowlist this merge reads" }] : []),
      ];
      const files = new ReportFiles({ json: out, junit: o.junit, html: o.html }, reads, "OUT");
      const merged = mergeResults(inputs.map((file) => ({ file, results: readResultsFile(file) })));
      const catalogue = loadCatalogue(casePaths(o));
      const { planned, unknown } = plannedMerged(merged, catalogue, allowlistFor(o, catalogue, casePaths(o)));
      for (const w of merged.warnings) process.stderr.write(`reuselab merge: ${w}\n`);
      if (unknown.length)
        process.stderr.write(
          `reuselab merge: ${unknown.length} run${unknown.length === 1 ? " is" : "s are"} not in the catalogue (${casePaths(o).join(", ")}), so no claim rests on them: ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ", …" : ""}; pass the --cases the jobs used\n`,
        );
      const bus = new EventBus();
      for (const r of files.reporters()) bus.add(r);
      const durationMs = merged.runs.reduce((ms, r) => ms + r.durationMs, 0);
      // A session whose runs ran elsewhere: the same events, claims audit and known bugs as one that runs here.
      const start = { backend: "merged", kernels: merged.kernels, runs: planned, leftoversRemoved: {} };
      const { audit } = await recordSession(
        bus,
        start,
        catalogue.claims,
        () => Promise.resolve(merged.runs),
        undefined,
        durationMs,
      );
      await bus.close();
      files.sayFailures();
      const judged = audit.filter((a) => Object.values(a.verdicts).some((v) => v !== "untested")).length;
      process.stdout.write(
        `reuselab merge: ${inputs.length} files, ${merged.runs.length} runs on ${merged.kernels.map((k) => k.id).join(", ")} (${countOutcomes(merged.runs)}); ` +
          `claims audit: ${judged} of ${audit.length} claims judged; wrote ${files.written().join(", ") || "nothing"}\n`,
      );
      exit(files.status(merged.runs.some(isBad) ? EXIT.failed : EXIT.passed));
    });
}
