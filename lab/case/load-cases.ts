import { join } from "node:path";
import { LabError } from "../errors";
import type { Case } from "./case";
import { CLAIMS_FILE, findCaseFiles, show } from "./case-files";
import { loadClaims, type Claim } from "./claims";
import { loadCase } from "./load-case";
import { CaseProblemsError, suggestion, type Problem } from "../problems";

export { caseIdFor, findCaseFiles } from "./case-files";

/** Cases, and the claims they speak about (from claims.yaml at the root of each case folder). */
export interface Catalogue {
  cases: Case[];
  claims: Claim[];
}

/** Loads and validates every case and claim; throws one CaseProblemsError listing every problem of every file. */
export function loadCatalogue(paths: readonly string[]): Catalogue {
  const { files, roots } = findCaseFiles(paths);
  if (files.length === 0) throw new LabError("REUSELAB_NO_CASES", `no case files (*.yaml) in ${paths.join(", ")}`);
  const problems: Problem[] = [];
  const claims: Claim[] = [];
  for (const root of roots) {
    const loaded = loadClaims(show(join(root, CLAIMS_FILE)));
    problems.push(...loaded.problems);
    claims.push(...loaded.claims);
  }
  const claimIds = claims.map((c) => c.id);
  const cases: Case[] = [];
  const ids = new Map<string, string>();
  for (const [file, id] of files) {
    const { case: c, problems: p } = loadCase(show(file), id);
    problems.push(...p);
    const other = ids.get(id);
    if (other)
      problems.push({
        file: show(file),
        line: 1,
        message: `case id '${id}' is also the id of ${other}`,
        fix: "rename one of the files",
      });
    ids.set(id, show(file));
    if (!c) continue;
    cases.push(c);
    const refs = new Map(c.variants.flatMap((v) => v.claims).map((r) => [`${r.source.line}:${r.id}`, r]));
    for (const r of refs.values()) {
      if (!claimIds.includes(r.id))
        problems.push({
          ...r.source,
          message: `unknown claim '${r.id}'`,
          fix: claimIds.length
            ? suggestion(r.id, claimIds, "claims")
            : `no ${CLAIMS_FILE} declares claims beside these cases`,
        });
    }
  }
  if (problems.length) throw new CaseProblemsError(problems);
  return { cases, claims };
}

/** Loads and validates every case (claims included); throws CaseProblemsError listing every problem. */
export function loadCases(paths: readonly string[]): Case[] {
  return loadCatalogue(paths).cases;
}
