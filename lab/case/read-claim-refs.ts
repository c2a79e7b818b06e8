import type { Node } from "yaml";
import type { ClaimRef, ClaimRelation } from "./case";
import { suggestion } from "./problems";
import { isMap, isScalar, isSeq, type YamlFile } from "./yaml-file";

const RELATIONS: ClaimRelation[] = ["confirms", "refutes", "partly"];

/** "claims: { confirms: [id…], refutes: [id…], partly: [id…] }", at case or variant level. */
export function readClaimRefs(y: YamlFile, node: Node | undefined): ClaimRef[] {
  if (node === undefined) return [];
  if (!isMap(node)) {
    y.problem(node, "'claims' maps confirms / refutes / partly to lists of claim ids", "e.g. claims: { refutes: [udp-reuseaddr-random-delivery] }");
    return [];
  }
  const refs: ClaimRef[] = [];
  for (const pair of node.items) {
    const relation = String(isScalar(pair.key) ? pair.key.value : pair.key) as ClaimRelation;
    if (!RELATIONS.includes(relation)) {
      y.problem(pair, `'${relation}' is not a relation to a claim`, suggestion(relation, RELATIONS, "relations"));
      continue;
    }
    if (!isSeq(pair.value)) {
      y.problem(pair, `'${relation}' takes a list of claim ids`);
      continue;
    }
    for (const item of pair.value.items) {
      if (!isScalar(item) || typeof item.value !== "string") {
        y.problem(item as Node, "a claim id is a word, e.g. udp-reuseaddr-random-delivery");
        continue;
      }
      refs.push({ id: item.value, relation, source: { file: y.file, line: y.lineOf(item) } });
    }
  }
  return refs;
}
