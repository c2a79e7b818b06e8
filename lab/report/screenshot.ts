/**
 * node -r ./lab/dev/ts-cache.cjs lab/report/screenshot.ts [--kernels host,5.10,6.1,6.12] [--out docs/html-report.png]
 *
 * The picture of the HTML report in docs/: a real session (the catalogue, plus the test fixtures that
 * fail, fail as known and are skipped, so every colour of the page shows) on the netns backend and any
 * guest kernels asked for, written with HtmlReporter and photographed by headless Chromium. A one-off
 * for the docs, not a test: the HTML reporter's test checks a page of its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureMachine } from "../bootstrap/ensure";
import { loadCatalogue } from "../case/load-cases";
import { KernelBackends } from "../run/kernel-backends";
import { runSession } from "../run/session";
import { screenshot } from "./headless-chromium";
import { HtmlReporter } from "./html-reporter";

const FOLDERS = ["cases", "test/fixtures/failing", "test/fixtures/report"];
const SIZE = { width: 1400, height: 2000 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { kernels: { type: "string", default: "host" }, out: { type: "string", default: "docs/html-report.png" } },
  });
  const temp = mkdtempSync(join(tmpdir(), "reuselab-screenshot-"));
  try {
    await using backends = new KernelBackends(values.kernels.split(","), "netns");
    ensureMachine("toolchain");
    if (backends.needsVm) ensureMachine("vm");
    const page = join(temp, "report.html");
    const { kernels, repetitions } = await runSession(backends, {
      catalogue: loadCatalogue(FOLDERS),
      reporters: [new HtmlReporter(page)],
    });
    await screenshot(page, resolve(values.out), SIZE, { timeoutMs: 60_000 });
    process.stdout.write(
      `${values.out}: ${repetitions[0]!.length} runs on ${kernels.map((k) => k.id).join(", ")}, ${SIZE.width}x${SIZE.height}\n`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`screenshot: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
