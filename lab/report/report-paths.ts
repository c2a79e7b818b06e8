/**
 * Where the report files of a command go (--json, --junit, --html, merge's OUT): checked before anything
 * starts, and written at the end one by one. A run takes minutes; it must not end in a stack trace
 * because a folder is read-only, nor overwrite the case file it read, nor write two reports over each
 * other. Missing folders are refused, not made: a typo in a path must not leave new folders about.
 * Used by run, matrix, merge and bench; audit can call the same two functions.
 */
import { accessSync, constants, realpathSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { LabError } from "../errors";
import { debugLog } from "../debug-log";

/** A report the command will write: the option that names it (--json, OUT) and the path given. */
export interface ReportTarget {
  option: string;
  file: string;
}

/** A file the command reads or writes besides its reports, which no report may land on. */
export interface OtherFile {
  file: string;
  /** What it is, as the end of "is …": "a case file this command reads". */
  what: string;
}

/** Every problem with the report paths, as one error; nothing was started. */
export class ReportPathsError extends LabError {
  constructor(readonly problems: readonly string[]) {
    super(
      "REUSELAB_BAD_ARGS",
      `${problems.length} problem${problems.length === 1 ? "" : "s"} with the report files; nothing was started:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
}

/** Throws ReportPathsError listing every report that cannot be written where it is asked to be. */
export function checkReportPaths(reports: readonly ReportTarget[], others: readonly OtherFile[] = []): void {
  const problems = reportPathProblems(reports, others);
  if (problems.length) throw new ReportPathsError(problems);
}

export function reportPathProblems(reports: readonly ReportTarget[], others: readonly OtherFile[] = []): string[] {
  const problems: string[] = [];
  const otherIds = others.map((o) => ({ ...o, id: identity(o.file) }));
  const seen: (ReportTarget & { id: string })[] = [];
  for (const r of reports) {
    const problem = placeProblem(r);
    if (problem) {
      problems.push(`${r.option} ${shown(r.file)}: ${problem}`);
      continue;
    }
    const id = identity(r.file);
    const other = otherIds.find((o) => o.id === id);
    if (other) {
      problems.push(`${r.option} ${shown(r.file)}: is ${other.what}; the report would overwrite it: name another file`);
      continue;
    }
    const twin = seen.find((s) => s.id === id);
    if (twin) {
      problems.push(
        `${twin.option} ${shown(twin.file)} and ${r.option} ${shown(r.file)} are the same file; one report would overwrite the other: give each its own file`,
      );
      continue;
    }
    seen.push({ ...r, id });
  }
  return problems;
}

const EXAMPLE: Record<string, string> = {
  "--json": "results.json",
  "--junit": "junit.xml",
  "--html": "report.html",
  OUT: "merged.json",
};

/** Why the report cannot be written at its path, with the fix; undefined when it can. */
function placeProblem(r: ReportTarget): string | undefined {
  const example = EXAMPLE[r.option] ?? "report";
  if (r.file === "") return `no file named: give one, e.g. ${r.option} ${example}`;
  const path = resolve(r.file);
  const st = statOf(path);
  if (st?.isDirectory()) return `is a folder: name a file in it, e.g. ${r.option} ${join(r.file, example)}`;
  const folder = dirname(path);
  const dir = statOf(folder);
  if (!dir) {
    const missing = firstMissing(folder);
    return missing === folder
      ? `the folder ${folder} does not exist: create it first (mkdir -p ${folder}) or name a file in a folder that exists`
      : `the folder ${folder} does not exist (nor does ${missing}): create it first (mkdir -p ${folder}) or name a file in a folder that exists`;
  }
  if (!dir.isDirectory()) return `${folder} is not a folder: name a file in a folder`;
  const cannot = denied(folder, constants.W_OK | constants.X_OK);
  if (cannot) return `cannot write in the folder ${folder} (${cannot}): name a file in a folder ${whoCan()} write`;
  if (st) {
    const locked = denied(path, constants.W_OK);
    if (locked) return `the file exists and cannot be written (${locked}): name another file, or one ${whoCan()} write`;
  }
  return undefined;
}

/** The outermost folder on the way to `folder` that does not exist (what mkdir -p would make first). */
function firstMissing(folder: string): string {
  let missing = folder;
  for (let d = dirname(folder); d !== missing && !statOf(d); d = dirname(d)) missing = d;
  return missing;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    // No such file is the answer; anything else (EACCES) is said by denied(), and logged here.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") debugLog("report/report-paths", e);
    return undefined;
  }
}

/** Why access(2) refuses, in words, naming the folder's owner when it is about permissions; undefined when allowed. */
function denied(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EROFS") return "read-only file system";
    if (code === "EACCES" || code === "EPERM")
      return `permission denied: it belongs to uid ${statOf(path)?.uid ?? "?"}, this is uid ${process.getuid?.() ?? "?"}`;
    return (e as Error).message;
  }
}

const whoCan = () => (process.getuid?.() === 0 ? "root can" : `uid ${process.getuid?.() ?? "?"} can`);

/**
 * The same file, however it is spelled: device and inode for a file that exists (a symlink, a hard link,
 * ./x and x are one file), the real path of its folder and its name for one that does not yet.
 */
function identity(file: string): string {
  const path = resolve(file);
  const st = statOf(path);
  if (st) return `inode:${st.dev}:${st.ino}`;
  let folder = dirname(path);
  try {
    folder = realpathSync(folder);
  } catch (e) {
    debugLog("report/report-paths", e); // a missing folder was refused already; compare as spelled
  }
  return `path:${join(folder, basename(path))}`;
}

/** The path as the user gave it, quoted when it would not read as one word. */
function shown(file: string): string {
  return file === "" || /\s/.test(file) ? `'${file}'` : file;
}

/** A report to write at the end: its option, its path, and how to make its text. */
export interface ReportWrite extends ReportTarget {
  text: () => string;
}

/**
 * Writes every report, each on its own: one that fails does not keep the others from being written.
 * Returns a line per report that was not written (option, path and why), none when all were.
 */
export function writeReports(writes: readonly ReportWrite[]): string[] {
  const failures: string[] = [];
  for (const w of writes) {
    try {
      writeFileSync(w.file, w.text());
    } catch (e) {
      failures.push(writeFailure(w, e));
    }
  }
  return failures;
}

/** "--html r.html was not written: ENOSPC: no space left on device", without Node's ", open '…'" tail. */
export function writeFailure(r: ReportTarget, e: unknown): string {
  const why = e instanceof Error ? e.message.replace(/, \w+( '[^']*')?$/, "") : String(e);
  return `${r.option} ${shown(r.file)} was not written: ${why}`;
}
