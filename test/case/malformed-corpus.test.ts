/**
 * The malformed corpus (test/fixtures/malformed, read by ./malformed-corpus.ts): every file is wrong in
 * one way and its header says how; the loader must reject it with a problem at that line, in those
 * words, with that fix. A file the loader accepts, or one it crashes on, fails here.
 */
import test from "ava";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError, formatProblem } from "../../lab/problems";
import { corpus } from "./malformed-corpus";

const entries = corpus();

test("the corpus holds at least 30 mistakes, each with its expectations", (t) => {
  t.true(entries.length >= 30, `${entries.length} entries`);
  for (const e of entries) t.true(e.expected.length > 0, `${e.name} has no '# malformed:' header and no sidecar entry`);
});

for (const entry of entries) {
  test(`rejects ${entry.name}`, (t) => {
    // A file the loader accepts fails here, and so does a crash (any error but CaseProblemsError).
    const e = t.throws(() => loadCatalogue([entry.load]), { instanceOf: CaseProblemsError });
    if (!e) return;
    const listing = e.problems.map(formatProblem).join("\n");
    for (const p of e.problems) t.truthy(p.fix, `every problem says how to fix it: ${formatProblem(p)}`);
    for (const want of entry.expected) {
      const mine = e.problems.filter((p) => p.file === want.file);
      t.is(mine.length, want.problems, `${want.what}: problems of ${want.file}:\n${listing}`);
      const at = mine.find((p) => p.line === want.line);
      if (!at) {
        t.fail(`${want.what}: no problem at ${want.file}:${want.line}:\n${listing}`);
        continue;
      }
      t.regex(at.message, want.error);
      t.regex(at.fix ?? "", want.fix);
      // As the CLI prints it: file:line: message; fix.
      t.true(e.message.includes(`  ${want.file}:${want.line}: ${at.message}`), e.message);
    }
  });
}
