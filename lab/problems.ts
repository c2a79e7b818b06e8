import { LabError } from "./errors";

/** One thing wrong with a case file, where it is, and how to fix it. */
export interface Problem {
  file: string;
  line: number;
  message: string;
  fix?: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.message}${p.fix ? `; ${p.fix}` : ""}`;
}

/** Every problem of every case file, found before anything starts. */
export class CaseProblemsError extends LabError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      "REUSELAB_BAD_CASES",
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the case files; nothing was started:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
  }
}

/** The closest of the known words, if one is close enough to be a likely typo. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function suggestion(word: string, known: readonly string[], what: string): string {
  const near = didYouMean(word, known);
  if (near) return `did you mean '${near}'?`;
  if (!known.length) return `there are no ${what} to choose from`;
  const shown = known.slice(0, 16).join(", ");
  return `known ${what}: ${shown}${known.length > 16 ? `, … (${known.length} in all)` : ""}`;
}
