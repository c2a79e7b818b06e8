/**
 * The malformed corpus (test/fixtures/malformed) read with each file's header: what every file must
 * yield. Used by malformed-corpus.test.ts (the loader, in the unit tier) and test/cli/malformed-corpus.test.ts
 * (the CLI on the whole corpus, with the engine watched).
 *
 *   # malformed: what is wrong, in words
 *   # error-line: 12
 *   # error: a regex the problem's message must match
 *   # fix: a regex its fix must match
 *   # problems: 2        (optional: how many problems the file yields; 1 when left out)
 *
 * A folder in the corpus is one mistake made by its files together (two files with one case id); it
 * is loaded whole, and the file that gets the problem carries the header.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export const CORPUS = "test/fixtures/malformed";

export interface Expected {
  /** As the loader names it: relative to the working directory. */
  file: string;
  what: string;
  line: number;
  error: RegExp;
  fix: RegExp;
  problems: number;
}

/** Files that cannot carry a header. */
const SIDECAR: Record<string, Omit<Expected, "file">> = {
  "empty-file.yaml": {
    what: "the file is empty",
    line: 1,
    error: /^the case file is empty/,
    fix: /start with 'schemaVersion: 1'/,
    problems: 1,
  },
  // Its lines end in CR alone: a header would not be read line by line either.
  "cr-line-ends.yaml": {
    what: "CR line ends",
    line: 1,
    error: /^CR line ends/,
    fix: /convert the file to LF line ends/,
    problems: 1,
  },
};

function shown(path: string): string {
  return relative(process.cwd(), resolve(path));
}

/** The header's fields, read up to the first line that is not one (latin1: what follows may not be text). */
function header(path: string): Expected | undefined {
  const fields = new Map<string, string>();
  for (const line of readFileSync(path, "latin1").split("\n")) {
    const m = /^# (malformed|error-line|error|fix|problems): (.*)$/.exec(line);
    if (!m) break;
    fields.set(m[1]!, m[2]!);
  }
  const what = fields.get("malformed");
  if (what === undefined) return undefined;
  const field = (k: string) => {
    const v = fields.get(k);
    if (v === undefined) throw new Error(`${path}: the header has no '# ${k}:'`);
    return v;
  };
  return {
    file: shown(path),
    what,
    line: Number(field("error-line")),
    error: new RegExp(field("error")),
    fix: new RegExp(field("fix")),
    problems: Number(fields.get("problems") ?? 1),
  };
}

/** Each entry of the corpus: what to load, and what each of its files must yield. */
export function corpus(): { name: string; load: string; expected: Expected[] }[] {
  return readdirSync(CORPUS)
    .filter((name) => name !== "claims.yaml")
    .sort()
    .map((name) => {
      const path = join(CORPUS, name);
      const files = statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
      const expected = files.flatMap((f) => {
        const side = SIDECAR[name];
        const e = side ? { ...side, file: shown(f) } : header(f);
        return e ? [e] : [];
      });
      return { name, load: path, expected };
    });
}
