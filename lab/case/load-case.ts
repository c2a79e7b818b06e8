/**
 * Reading one case file into a Case: every problem is collected with its line, none stops the reading
 * early, so one run of the loader reports all of them.
 */
import type { Node, YAMLMap } from "yaml";
import type { Case, CaseVariant, ClaimRef, Requirement } from "./case";
import { checkCharacters } from "./characters";
import { suggestion, type Problem } from "../problems";
import { actorNames, readActors } from "./read-actors";
import { readClaimRefs } from "./read-claim-refs";
import { readFix } from "./read-fix";
import { readRequires } from "./read-requires";
import { readGroups, readSteps } from "./read-steps";
import type { VariantParams } from "./variants";
import { isMap, isScalar, isSeq, keyText, YamlFile } from "./yaml-file";

export const TOP_KEYS = [
  "schemaVersion",
  "title",
  "rule",
  "source",
  "tags",
  "claims",
  "requires",
  "xfail",
  "fix",
  "variants",
  "actors",
  "groups",
  "steps",
];
const NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface LoadedCase {
  case: Case | null;
  problems: Problem[];
}

export function loadCase(file: string, id: string, text?: string): LoadedCase {
  const y = new YamlFile(file, text);
  const root = y.root();
  if (!root) return { case: null, problems: y.problems };
  checkCharacters(y, y.text);
  // A YAML error (or an alias, a stray character) leaves its line half read: other problems found
  // on that line are its echoes.
  const early = y.problems.length;

  for (const pair of root.items) {
    const key = keyText(pair);
    if (!TOP_KEYS.includes(key)) y.problem(pair, `unknown key '${key}'`, suggestion(key, TOP_KEYS, "keys"));
  }
  checkVersion(y, root);
  const title = requiredText(y, root, "title", "a one-line summary of the behaviour");
  const rule = requiredText(y, root, "rule", "the kernel rule this case checks, in words");
  const source = requiredText(y, root, "source", "where the rule lives, e.g. net/ipv4/udp.c: compute_score()");
  const tags = stringList(y, root, "tags");
  const xfail = root.get("xfail");
  if (xfail !== undefined && typeof xfail !== "string")
    y.problem(
      root.get("xfail", true) as Node,
      "xfail is the reason the case is known to fail, as text",
      "e.g. xfail: the kernel resets queued connections",
    );
  const caseClaims = readClaimRefs(y, root.get("claims", true) as Node | undefined);
  const caseRequires = readRequires(y, root.get("requires", true) as Node | undefined);
  const fix = readFix(y, root.get("fix", true) as Node | undefined);

  const variants = readVariants(y, root);
  const rawActors = root.get("actors", true);
  const rawSteps = root.get("steps", true);
  // After a YAML error the document may end early: its missing parts are that error's doing, not new problems.
  const intact = !y.doc.errors.length;
  if (intact && (!isMap(rawActors) || rawActors.items.length === 0))
    y.problem(
      rawActors ?? root,
      needs("actors", rawActors),
      "map each actor's name to { uid, netns }, e.g. actors: { victim: { uid: 1000 } }",
    );
  if (intact && (!isSeq(rawSteps) || rawSteps.items.length === 0))
    y.problem(
      rawSteps ?? root,
      needs("steps", rawSteps),
      "list the steps, one '- actor: call => expectation' per line",
    );

  const built: CaseVariant[] = [];
  const seen = new Set<string>();
  const report = (p: Problem) => {
    const k = `${p.line}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      y.problems.push(p);
    }
  };
  for (const v of variants) {
    // Every declared name counts, even one whose declaration has a problem of its own: its steps are still read.
    const declared = isMap(rawActors) ? actorNames(rawActors, v.params) : [];
    const groups = readGroups(y, root.get("groups", true) as Node | undefined, declared, v.params, report);
    const { actors, namespaces } = isMap(rawActors)
      ? readActors(y, rawActors, v.params, report)
      : { actors: [], namespaces: [] };
    const steps = isSeq(rawSteps) ? readSteps(y, rawSteps.items as Node[], declared, groups, v.params, report) : [];
    built.push({
      name: v.name,
      actors,
      namespaces,
      steps,
      claims: [...caseClaims, ...v.claims],
      requires: [...caseRequires, ...v.requires],
    });
  }

  if (y.problems.length)
    return { case: null, problems: y.problems.filter((p, i) => i < early || !y.quietLines.has(p.line)) };
  return {
    case: {
      id,
      file,
      title,
      rule,
      source,
      tags,
      ...(typeof xfail === "string" ? { xfail } : {}),
      ...(fix ? { fix } : {}),
      variants: built,
    },
    problems: [],
  };
}

function checkVersion(y: YamlFile, root: YAMLMap): void {
  const version = root.get("schemaVersion");
  const at = root.get("schemaVersion", true) ?? root;
  if (version === 1) return;
  if (version === undefined) y.problem(at, "missing schemaVersion", "write 'schemaVersion: 1'");
  else if (String(version).trim() === "1")
    y.problem(
      at,
      `schemaVersion is the text '${String(version)}', not the number 1`,
      "write 'schemaVersion: 1', without quotes",
    );
  else y.problem(at, `schemaVersion ${String(version)} is not supported`, "write 'schemaVersion: 1'");
}

function requiredText(y: YamlFile, root: YAMLMap, key: string, what: string): string {
  const v = root.get(key);
  if (typeof v === "string" && v.trim()) return v.trim();
  if (y.doc.errors.length) return "";
  const node = root.get(key, true) as Node | undefined;
  if (node === undefined) y.problem(root, `missing '${key}'`, `add ${key}: ${what}`);
  else y.problem(node, `'${key}' is ${describe(node)}, not text`, `write ${key}: ${what}`);
  return "";
}

/** "a list", "a mapping", "empty", "the number 12": what a node is, for a problem that expected something else. */
function describe(node: Node): string {
  if (isSeq(node)) return node.items.length ? "a list" : "an empty list";
  if (isMap(node)) return node.items.length ? "a mapping" : "an empty mapping";
  const v = isScalar(node) ? node.value : undefined;
  if (v === null || (typeof v === "string" && !v.trim())) return "empty";
  return typeof v === "string" ? `'${v}'` : `the ${typeof v} ${String(v)}`;
}

function needs(key: string, node: unknown): string {
  return node === undefined ? `a case needs '${key}'` : `'${key}' is ${describe(node as Node)}`;
}

function stringList(y: YamlFile, root: YAMLMap, key: string): string[] {
  const node = root.get(key, true);
  if (node === undefined) return [];
  if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === "string")) {
    y.problem(node as Node, `'${key}' is a list of words`, `write e.g. ${key}: [udp, hijack]`);
    return [];
  }
  return node.items.map((i) => String((i as { value: unknown }).value));
}

interface RawVariant {
  name: string;
  params: VariantParams;
  claims: ClaimRef[];
  requires: Requirement[];
}

/** `variants: { name: { param: value, …, claims: {…} } }`; none declared means one variant, "default". */
function readVariants(y: YamlFile, root: YAMLMap): RawVariant[] {
  const node = root.get("variants", true);
  if (node === undefined) return [{ name: "default", params: new Map(), claims: [], requires: [] }];
  if (!isMap(node) || node.items.length === 0) {
    y.problem(
      node as Node,
      "'variants' maps each variant's name to its parameters",
      "e.g. variants: { v4: { any: 0.0.0.0 }, v6: { any: '[::]' } }",
    );
    return [{ name: "default", params: new Map(), claims: [], requires: [] }];
  }
  const out: RawVariant[] = [];
  for (const pair of node.items) {
    const name = keyText(pair);
    if (!NAME.test(name))
      y.problem(
        pair,
        `variant name '${name}' is not lower-case letters, digits and -`,
        "it becomes part of each run's id (case.variant@kernel): write e.g. v4, same-uid",
      );
    const params = new Map<string, string>();
    let claims: ClaimRef[] = [];
    let requires: Requirement[] = [];
    if (isMap(pair.value)) {
      for (const p of pair.value.items) {
        const key = keyText(p);
        if (key === "claims") {
          claims = readClaimRefs(y, p.value as Node);
          continue;
        }
        if (key === "requires") {
          requires = readRequires(y, p.value as Node);
          continue;
        }
        const v = isScalar(p.value) ? p.value.value : undefined;
        if (!isScalar(p.value) || (v !== null && typeof v === "object")) {
          y.problem(
            p,
            `variant parameter '${key}' must be a single value`,
            `write ${key}: VALUE (quote it if it has spaces or starts with [ or {)`,
          );
          continue;
        }
        params.set(key, v === null ? "" : String(v));
      }
    } else if (!(isScalar(pair.value) && pair.value.value === null) && pair.value !== null) {
      y.problem(
        pair,
        `variant '${name}' needs a mapping of parameters (or nothing)`,
        `write ${name}: { param: value }`,
      );
    }
    out.push({ name, params, claims, requires });
  }
  return out;
}
