/** reuselab list [cases|tags|claims]: what the catalogue holds, narrowed by --filter and --tag. */
import { Argument, type Command } from "commander";
import { loadCatalogueCached } from "../../case/catalogue-cache";
import { formatListing, listCatalogue, SECTIONS, type Section } from "../../report/catalogue-listing";
import { colorsFor, wantsColor } from "../../terminal";
import { EXIT } from "../../exit-codes";
import { addSelectionOptions, casePaths, selectionOf, type ExitSink, type SelectionOptions } from "../options";

export function listCommand(parent: Command, exit: ExitSink): void {
  const cmd = parent
    .command("list")
    .summary("the cases, their tags, and the seed guide's claims")
    .description(
      "the cases (id, variants, tags, title), the tags with their counts, and the seed guide's claims with the cases that name them",
    )
    .addArgument(new Argument("[section]", "only this part of the list").choices(SECTIONS));
  addSelectionOptions(cmd)
    .option("--json", "the list as JSON, on stdout")
    .action(async (section: Section | undefined, o: SelectionOptions & { json?: boolean }) => {
      const listing = listCatalogue(await loadCatalogueCached(casePaths(o)), selectionOf(o));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(section ? { [section]: listing[section] } : listing, null, 2)}\n`);
      } else {
        const width = process.stdout.isTTY ? process.stdout.columns : undefined;
        process.stdout.write(
          formatListing(listing, section ? [section] : SECTIONS, colorsFor(wantsColor(process.stdout)), width),
        );
      }
      exit(EXIT.passed);
    });
}
