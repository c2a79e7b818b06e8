import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { LabError } from "../errors";
import type { Case } from "./case";
import { caseIdFor, loadCase } from "./load-case";
import { CaseProblemsError, type Problem } from "./problems";

/** Files in a case folder that are not cases. */
const NOT_CASES = new Set(["claims.yaml"]);

/**
 * A case's id is its path, without .yaml, below the nearest enclosing folder named "cases" (or below
 * the folder given, when none encloses it): "--cases cases/hijack" and "--cases cases" give the same
 * ids, so results stay comparable however a run was narrowed.
 */
function idRoot(path: string, isFile: boolean): string {
  for (let dir = isFile ? dirname(path) : path; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === "cases") return dir;
  }
  return isFile ? dirname(path) : path;
}

/** Every *.yaml under each folder (or the file itself), sorted, as [file, id]. */
export function findCaseFiles(paths: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const p of paths) {
    const given = resolve(p);
    let st;
    try {
      st = statSync(given);
    } catch {
      throw new LabError("REUSELAB_NO_CASES", `no such case file or folder: ${p}`);
    }
    const root = idRoot(given, st.isFile());
    if (st.isFile()) {
      out.push([given, caseIdFor(relative(root, given))]);
      continue;
    }
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(entry.name) && !NOT_CASES.has(entry.name)) out.push([full, caseIdFor(relative(root, full))]);
      }
    };
    walk(given);
  }
  return out;
}

/** Loads and validates every case; throws one CaseProblemsError listing every problem of every file. */
export function loadCases(paths: readonly string[]): Case[] {
  const files = findCaseFiles(paths);
  if (files.length === 0) throw new LabError("REUSELAB_NO_CASES", `no case files (*.yaml) in ${paths.join(", ")}`);
  const problems: Problem[] = [];
  const cases: Case[] = [];
  const ids = new Map<string, string>();
  for (const [file, id] of files) {
    const shown = relative(process.cwd(), file) || file;
    const { case: c, problems: p } = loadCase(shown, id);
    problems.push(...p);
    const other = ids.get(id);
    if (other) problems.push({ file: shown, line: 1, message: `case id '${id}' is also the id of ${other}`, fix: "rename one of the files" });
    ids.set(id, shown);
    if (c) cases.push(c);
  }
  if (problems.length) throw new CaseProblemsError(problems);
  return cases;
}
