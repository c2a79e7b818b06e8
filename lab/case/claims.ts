/** The seed guide's claims (cases/claims.yaml): what the audit judges, one verdict per kernel. */
import { existsSync } from "node:fs";
import type { Node } from "yaml";
import type { Problem } from "../problems";
import { isMap, isScalar, isSeq, keyText, YamlFile } from "./yaml-file";

export interface Claim {
  id: string;
  topic: string;
  section: string;
  /** Where the quote starts in the seed guide. */
  line: number;
  quote: string;
  /** Where the claim is declared (claims.yaml and its line). */
  file: string;
  declaredAt: number;
}

const KEYS = ["id", "topic", "section", "line", "quote"];
const ID = /^[a-z0-9][a-z0-9-]*$/;

export function loadClaims(file: string): { claims: Claim[]; problems: Problem[] } {
  if (!existsSync(file)) return { claims: [], problems: [] };
  const y = new YamlFile(file);
  const root = y.root();
  const claims: Claim[] = [];
  const list = root?.get("claims", true) as Node | undefined;
  if (root && root.get("schemaVersion") !== 1) y.problem(root, "claims.yaml needs 'schemaVersion: 1'");
  if (root && !isSeq(list))
    y.problem(list ?? root, "claims.yaml needs 'claims:', a list of { id, topic, section, line, quote }");
  if (!isSeq(list)) return { claims, problems: y.problems };
  const seen = new Set<string>();
  for (const item of list.items) {
    if (!isMap(item)) {
      y.problem(item as Node, "a claim is a mapping { id, topic, section, line, quote }");
      continue;
    }
    for (const p of item.items) if (!KEYS.includes(keyText(p))) y.problem(p, `unknown claim key '${keyText(p)}'`);
    const text = (k: string) => {
      const v = item.get(k, true);
      return isScalar(v) && v.value !== null ? String(v.value).trim() : "";
    };
    const c: Claim = {
      id: text("id"),
      topic: text("topic"),
      section: text("section"),
      line: Number(text("line")),
      quote: text("quote"),
      file,
      declaredAt: y.lineOf(item),
    };
    if (!ID.test(c.id)) y.problem(item, `claim id '${c.id}' is not lower-case words joined by -`);
    if (seen.has(c.id)) y.problem(item, `claim id '${c.id}' is declared twice`);
    for (const k of ["topic", "section", "quote"] as const) if (!c[k]) y.problem(item, `claim '${c.id}' has no ${k}`);
    if (!Number.isInteger(c.line) || c.line < 1)
      y.problem(item, `claim '${c.id}' has no line (where its quote starts in the seed guide)`);
    seen.add(c.id);
    claims.push(c);
  }
  return { claims, problems: y.problems };
}
