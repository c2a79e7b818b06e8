/** reuselab explain CASE[.VARIANT]: a case in words, and what the kernel last answered to it here. */
import type { Command } from "commander";
import { relative } from "node:path";
import type { Case } from "../../case/case";
import { loadCatalogueCached } from "../../case/catalogue-cache";
import { suggestion } from "../../problems";
import { LabError } from "../../errors";
import { EXIT } from "../../exit-codes";
import { addCasesOption, casePaths, type ExitSink, type SelectionOptions } from "../options";

export function explainCommand(parent: Command, exit: ExitSink): void {
  const cmd = parent
    .command("explain")
    .summary("a case in words, and what the kernel last answered to it")
    .description(
      "a case in words: its rule, its steps as sentences, its claims, and the last result observed on each kernel",
    )
    .argument(
      "<case>",
      "a case id as 'reuselab list' shows it (hijack/udp-specific-address-steals-unicast), or case.variant",
    );
  addCasesOption(cmd).action(async (id: string, o: SelectionOptions) => {
    // The report code loads here, not for every other command; the catalogue comes from the cache when unchanged.
    const [{ explainCase }, { lastResultsPath, readLastResults }, { colorsFor, wantsColor }] = await Promise.all([
      import("../../report/case-explanation"),
      import("../../report/last-results"),
      import("../../terminal"),
    ]);
    const catalogue = await loadCatalogueCached(casePaths(o));
    const { found, variant } = findCase(catalogue.cases, id);
    const path = lastResultsPath();
    const last = { path: relative(process.cwd(), path) || path, runs: Object.values(readLastResults(path).runs) };
    const width = process.stdout.isTTY ? Math.min(120, process.stdout.columns) : 100;
    process.stdout.write(
      explainCase(found, catalogue.claims, last, colorsFor(wantsColor(process.stdout)), variant, width),
    );
    exit(EXIT.passed);
  });
}

/** The case, and the variant when the id names one ("case.variant"); a clear error with the nearest ids when neither exists. */
function findCase(cases: readonly Case[], id: string): { found: Case; variant?: string } {
  const exact = cases.find((c) => c.id === id);
  if (exact) return { found: exact };
  const dot = id.lastIndexOf(".");
  const owner = dot > 0 ? cases.find((c) => c.id === id.slice(0, dot)) : undefined;
  if (owner) {
    const variant = id.slice(dot + 1);
    if (owner.variants.some((v) => v.name === variant)) return { found: owner, variant };
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `case ${owner.id} has no variant '${variant}'; ${suggestion(
        variant,
        owner.variants.map((v) => v.name),
        "variants",
      )}`,
    );
  }
  const ids = cases.map((c) => c.id);
  const containing = ids.filter((c) => c.includes(id)).slice(0, 5);
  const hint = containing.length
    ? `cases whose id contains it: ${containing.join(", ")}`
    : suggestion(id, ids, "cases");
  throw new LabError("REUSELAB_BAD_ARGS", `no case '${id}'; ${hint} ('reuselab list' shows them all)`);
}
