/**
 * The known-bugs allowlist (--known-bugs FILE): the fixes a kernel is known to lack, so the gate lets
 * their regression cases' failures through (as xfail, with the reason) instead of failing the run.
 *
 *   allow:
 *     - case: regressions/udp-wildcard-bind-conflict-past-ten-sockets
 *       kernel: "5.10"
 *       reason: "bullseye-security 5.10.x lacks d6ace0dbcbb7"
 *
 * Validated like a case file, every problem with its line, before anything starts: an unknown case id,
 * a case with no `fix:`, a kernel written as a number (YAML reads 5.10 as 5.1), an entry given twice.
 */
import { existsSync } from "node:fs";
import type { Node, YAMLMap } from "yaml";
import { LabError } from "../errors";
import type { Case, SourceRef } from "./case";
import { formatProblem, suggestion, type Problem } from "../problems";
import { isMap, isScalar, isSeq, keyText, YamlFile } from "./yaml-file";

export interface AllowEntry {
  case: string;
  kernel: string;
  reason: string;
  source: SourceRef;
}

export const ALLOW_KEYS = ["case", "kernel", "reason"];
const KERNEL_ID = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const ENTRY = '- { case: regressions/a-case, kernel: "5.10", reason: "why this kernel lacks the fix" }';

export class AllowlistProblemsError extends LabError {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      "REUSELAB_BAD_ALLOWLIST",
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the known-bugs allowlist ${file}; nothing was started:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }
}

/**
 * Reads the allowlist. `knownIds` are the case ids that exist (so a typo is named), `cases` the loaded
 * ones (so an entry for a case without `fix:` is refused). A missing file is an error unless `optional`
 * (the shipped default), which is then an empty list.
 */
export function loadAllowlist(
  file: string,
  knownIds: readonly string[],
  cases: readonly Case[],
  optional = false,
): AllowEntry[] {
  if (optional && !existsSync(file)) return [];
  const { entries, problems } = readAllowlist(file, knownIds, cases);
  if (problems.length) throw new AllowlistProblemsError(file, problems);
  return entries;
}

export function readAllowlist(
  file: string,
  knownIds: readonly string[],
  cases: readonly Case[],
  text?: string,
): { entries: AllowEntry[]; problems: Problem[] } {
  const y = new YamlFile(file, text);
  const entries: AllowEntry[] = [];
  const root = y.doc.contents;
  if (y.problems.length) return { entries, problems: y.problems };
  if (!isMap(root)) {
    y.problem(
      root,
      "the allowlist is a mapping with one key, 'allow'",
      `write 'allow: []', or under 'allow:' one line a fix: ${ENTRY}`,
    );
    return { entries, problems: y.problems };
  }
  for (const pair of root.items) {
    const key = keyText(pair);
    if (key !== "allow") y.problem(pair, `unknown key '${key}'`, "the allowlist has one key, 'allow'");
  }
  const list = root.get("allow", true) as Node | undefined;
  if (list === undefined)
    y.problem(root, "the allowlist needs 'allow'", `write 'allow: []', or list entries: ${ENTRY}`);
  else if (!isSeq(list))
    y.problem(list, "'allow' is a list of entries", `write 'allow: []', or list entries: ${ENTRY}`);
  else {
    const byId = new Map(cases.map((c) => [c.id, c]));
    const seen = new Map<string, number>();
    for (const item of list.items as Node[]) {
      const e = readEntry(y, item, knownIds, byId);
      if (!e) continue;
      const key = `${e.case}@${e.kernel}`;
      const first = seen.get(key);
      if (first !== undefined)
        y.problem(
          item,
          `${e.case} on kernel ${e.kernel} is allowed twice (first on line ${first})`,
          "keep one entry per case and kernel",
        );
      else {
        seen.set(key, e.source.line);
        entries.push(e);
      }
    }
  }
  return { entries: y.problems.length ? [] : entries, problems: y.problems };
}

function readEntry(
  y: YamlFile,
  node: Node,
  knownIds: readonly string[],
  cases: ReadonlyMap<string, Case>,
): AllowEntry | undefined {
  if (!isMap(node)) {
    y.problem(node, "an allowlist entry maps case, kernel and reason", `write ${ENTRY}`);
    return undefined;
  }
  const before = y.problems.length;
  for (const pair of node.items) {
    const key = keyText(pair);
    if (!ALLOW_KEYS.includes(key))
      y.problem(pair, `unknown key '${key}' in an allowlist entry`, suggestion(key, ALLOW_KEYS, "keys of an entry"));
  }
  const id = text(y, node, "case", "the case id as the lab names it, e.g. case: regressions/a-case");
  if (id !== undefined && !knownIds.includes(id))
    y.problem(node.get("case", true) as Node, `unknown case '${id}'`, suggestion(id, knownIds, "cases"));
  else if (id !== undefined && cases.has(id) && !cases.get(id)!.fix)
    y.problem(
      node.get("case", true) as Node,
      `case '${id}' has no 'fix:', so no fix can be absent from a kernel`,
      "the allowlist names regression cases (those with a fix: block); for another known failure use the case's xfail",
    );
  const kernel = kernelId(y, node);
  const reason = text(y, node, "reason", 'why this kernel lacks the fix, e.g. reason: "the 5.10 line never took it"');
  if (y.problems.length > before) return undefined;
  return { case: id!, kernel: kernel!, reason: reason!, source: { file: y.file, line: y.lineOf(node) } };
}

function text(y: YamlFile, map: YAMLMap, key: string, fix: string): string | undefined {
  const v = map.get(key);
  if (typeof v === "string" && v.trim()) return v.trim();
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) y.problem(map, `an allowlist entry needs '${key}'`, `add ${fix}`);
  else y.problem(node, `'${key}' is not text`, `write ${fix}`);
  return undefined;
}

function kernelId(y: YamlFile, map: YAMLMap): string | undefined {
  const node = map.get("kernel", true) as Node | undefined;
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === "number") {
    y.problem(
      node,
      `kernel ${String(v)} is a number to YAML (5.10 would read as 5.1)`,
      `write it in quotes: kernel: "${String(v)}"`,
    );
    return undefined;
  }
  if (node !== undefined && typeof v === "string" && !KERNEL_ID.test(v.trim())) {
    y.problem(
      node,
      `'${v}' is not a kernel id`,
      'write the kernel\'s id as in run ids (case.variant@KERNEL), e.g. kernel: "5.10" or kernel: host',
    );
    return undefined;
  }
  return text(y, map, "kernel", 'the kernel\'s id as in run ids, e.g. kernel: "5.10"');
}
