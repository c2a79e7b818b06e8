/**
 * `fix:` of a regression case: the kernel commit that fixed the bug the case triggers, where it landed
 * in mainline and in each stable line, and where those facts came from. The run says whether a kernel
 * has the fix; these facts say what its version number predicts.
 */
import type { Node, Pair, YAMLMap } from "yaml";
import type { Fix } from "./case";
import { suggestion } from "../problems";
import { isMap, isScalar, isSeq, keyText, type YamlFile } from "./yaml-file";

export const FIX_KEYS = ["commit", "subject", "cve", "mainline", "stable", "source"];

const COMMIT = /^[0-9a-f]{12,40}$/;
const CVE = /^CVE-\d{4}-\d{4,}$/;
const LINE = /^\d+\.\d+$/;
const EXAMPLE =
  'fix: { commit: d6ace0dbcbb7, subject: "udp: …", mainline: "6.2", stable: { "5.10": "5.10.150" }, source: "the commit page" }';

/** Reads `fix:`; undefined when there is none, or when it has a problem (reported on `y`). */
export function readFix(y: YamlFile, node: Node | undefined): Fix | undefined {
  if (node === undefined) return undefined;
  if (!isMap(node)) {
    y.problem(node, "'fix' maps commit, subject, mainline, stable and source to the fix's facts", `write ${EXAMPLE}`);
    return undefined;
  }
  const before = y.problems.length;
  for (const pair of node.items) {
    const key = keyText(pair);
    if (!FIX_KEYS.includes(key))
      y.problem(pair, `unknown key '${key}' in 'fix'`, suggestion(key, FIX_KEYS, "keys of 'fix'"));
  }
  const commit = text(
    y,
    node,
    "commit",
    "the fix's commit id, 12 to 40 lower-case hex digits, e.g. commit: d6ace0dbcbb7",
    (v) => (COMMIT.test(v) ? undefined : `'${v}' is not a commit id (12 to 40 lower-case hex digits)`),
  );
  const subject = text(y, node, "subject", 'the fix commit\'s subject line, e.g. subject: "udp: …"');
  const cve = node.has("cve")
    ? text(y, node, "cve", "the CVE id, e.g. cve: CVE-2022-1234, or leave the key out", (v) =>
        CVE.test(v) ? undefined : `'${v}' is not a CVE id (CVE-YYYY-NNNN)`,
      )
    : undefined;
  const mainline = release(
    y,
    node.get("mainline", true) as Node | undefined,
    node,
    "mainline",
    'the first mainline release with the fix, in quotes, e.g. mainline: "6.2"',
  );
  const stable = readStable(y, node.get("stable", true) as Node | undefined, mainline);
  const source = text(y, node, "source", "where these facts came from (the commit page, the CVE page, a stable log)");
  if (y.problems.length > before) return undefined;
  return {
    commit: commit!,
    subject: subject!,
    ...(cve ? { cve } : {}),
    mainline: mainline!,
    stable,
    source: source!,
    at: { file: y.file, line: y.lineOf(node) },
  };
}

/** A required text value; `check` says what is wrong with a text that is not the right shape. */
function text(
  y: YamlFile,
  map: YAMLMap,
  key: string,
  fix: string,
  check?: (v: string) => string | undefined,
): string | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) {
    y.problem(map, `'fix' needs '${key}'`, `add ${fix}`);
    return undefined;
  }
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== "string" || !v.trim()) {
    const what = isMap(node)
      ? "a mapping"
      : isSeq(node)
        ? "a list"
        : typeof v === "number" || typeof v === "boolean"
          ? `the ${typeof v} ${String(v)}`
          : "empty";
    // A commit id of digits only is a number to YAML: quotes make it text.
    y.problem(node, `'fix: ${key}' is ${what}, not text`, `write ${fix}${typeof v === "number" ? " (in quotes)" : ""}`);
    return undefined;
  }
  const wrong = check?.(v.trim());
  if (wrong) {
    y.problem(node, `fix: ${key}: ${wrong}`, `write ${fix}`);
    return undefined;
  }
  return v.trim();
}

/** "6.2": a release line as a quoted string; YAML would read 6.10 unquoted as the number 6.1. */
function release(y: YamlFile, node: Node | undefined, map: YAMLMap, key: string, fix: string): string | undefined {
  if (node === undefined) {
    y.problem(map, `'fix' needs '${key}'`, `add ${fix}`);
    return undefined;
  }
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === "number") {
    y.problem(
      node,
      `fix: ${key}: ${String(v)} is a number to YAML (6.10 would read as 6.1)`,
      `write it in quotes: ${key}: "${String(v)}"`,
    );
    return undefined;
  }
  if (typeof v !== "string" || !LINE.test(v.trim())) {
    y.problem(
      node,
      `fix: ${key}: ${typeof v === "string" ? `'${v}'` : "this"} is not a release like "6.2"`,
      `write ${fix}`,
    );
    return undefined;
  }
  return v.trim();
}

/** `stable: { "5.10": "5.10.150", "6.1": none }`: each older stable line, and its first release with the fix. */
function readStable(y: YamlFile, node: Node | undefined, mainline: string | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (node === undefined) return out;
  if (!isMap(node)) {
    y.problem(
      node,
      "'fix: stable' maps each stable line to its first release with the fix, or none",
      'write stable: { "5.10": "5.10.150", "6.1": none }',
    );
    return out;
  }
  for (const pair of node.items as Pair[]) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === "number") {
      y.problem(
        pair,
        `fix: stable: the line ${String(key)} is a number to YAML (5.10 would read as 5.1)`,
        `write it in quotes: "${String(key)}": …`,
      );
      continue;
    }
    const line = typeof key === "string" ? key.trim() : "";
    if (!LINE.test(line)) {
      y.problem(
        pair,
        `fix: stable: '${String(key)}' is not a stable line like "5.10"`,
        'write e.g. "5.10": "5.10.150"',
      );
      continue;
    }
    if (mainline && compareVersions(line.split(".").map(Number), mainline.split(".").map(Number)) >= 0) {
      y.problem(
        pair,
        `fix: stable: the ${line} line comes after the fix landed in mainline ${mainline}, so it has the fix from its first release`,
        `list only stable lines older than ${mainline}`,
      );
      continue;
    }
    const v = isScalar(pair.value) ? pair.value.value : undefined;
    if (v === "none") out[line] = null;
    else if (typeof v === "string" && new RegExp(`^${line.replace(".", "\\.")}\\.\\d+$`).test(v.trim()))
      out[line] = v.trim();
    else
      y.problem(
        (pair.value as Node | null) ?? pair,
        `fix: stable: "${line}": ${v === null || v === undefined ? "no release" : `'${String(v)}'`} is not a ${line} release (${line}.N) nor none`,
        `write "${line}": "${line}.150" (the first ${line} release with the fix, in quotes), or "${line}": none when the line never took it`,
      );
  }
  return out;
}

/** Compares two version number lists, missing numbers counting as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}
