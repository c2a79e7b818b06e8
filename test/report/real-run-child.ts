// The child of real-run.ts: node -r ts-node/register/transpile-only real-run-child.ts <junit|html> REPORT RESULTS FILTER…
// Runs the selected cases on the netns backend with the reporter under test and a JsonReporter on one
// EventBus, as the CLI does; exits 0 when the session finished, whatever its runs' outcomes.
import { loadCatalogue } from "../../lab/case/load-cases";
import { KernelBackends } from "../../lab/cli/backends";
import { EventBus } from "../../lab/events/events";
import { plan } from "../../lab/plan/plan";
import { HtmlReporter } from "../../lab/report/html-reporter";
import { JsonReporter } from "../../lab/report/json-reporter";
import { JunitReporter } from "../../lab/report/junit-reporter";
import { runAll } from "../../lab/run/runner";
import { CASE_FOLDERS } from "./real-run";

async function main(): Promise<void> {
  const [kind, report, results, ...filter] = process.argv.slice(2);
  if (!report || !results || !filter.length || (kind !== "junit" && kind !== "html")) throw new Error("usage: real-run-child.ts <junit|html> REPORT RESULTS FILTER…");
  await using backends = new KernelBackends(["host"], "netns");
  const prepared = await backends.prepare();
  const catalogue = loadCatalogue(CASE_FOLDERS);
  const runs = plan(catalogue.cases, prepared.kernels, { filter, tags: [], slow: false });
  const bus = new EventBus().add(kind === "junit" ? new JunitReporter(report) : new HtmlReporter(report)).add(new JsonReporter(results));
  bus.emit({ type: "session-started", backend: backends.name, kernels: prepared.kernels, runs, leftoversRemoved: prepared.leftoversRemoved });
  await runAll(runs, (k) => backends.backend(k), bus, prepared.kernels, { jobs: 2, claims: catalogue.claims });
  await bus.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
