import type { Node } from "yaml";
import type { ClaimRef, ClaimRelation } from "./case";
import { parseKernelSelector, type KernelSelector } from "./kernel-selector";
import { suggestion } from "../problems";
import { isMap, isScalar, isSeq, type YamlFile } from "./yaml-file";

export const RELATIONS: readonly ClaimRelation[] = ["confirms", "refutes", "partly"];

/**
 * "claims: { confirms: [id…], refutes: [id…], partly: [id…] }", at case or variant level, with
 * "kernels: { SELECTOR: { refutes: [id…] } }" for what a case shows only on some kernels.
 */
export function readClaimRefs(y: YamlFile, node: Node | undefined, kernel?: KernelSelector): ClaimRef[] {
  if (node === undefined) return [];
  if (!isMap(node)) {
    y.problem(
      node,
      "'claims' maps confirms / refutes / partly to lists of claim ids",
      "e.g. claims: { refutes: [udp-reuseaddr-random-delivery] }",
    );
    return [];
  }
  const refs: ClaimRef[] = [];
  for (const pair of node.items) {
    const relation = String(isScalar(pair.key) ? pair.key.value : pair.key) as ClaimRelation;
    if ((relation as string) === "kernels" && !kernel) {
      refs.push(...readByKernel(y, pair.value as Node));
      continue;
    }
    if (!RELATIONS.includes(relation)) {
      y.problem(pair, `'${relation}' is not a relation to a claim`, suggestion(relation, RELATIONS, "relations"));
      continue;
    }
    if (!isSeq(pair.value)) {
      y.problem(pair, `'${relation}' takes a list of claim ids`, `write ${relation}: [a-claim-id]`);
      continue;
    }
    for (const item of pair.value.items) {
      if (!isScalar(item) || typeof item.value !== "string") {
        y.problem(
          item as Node,
          "a claim id is a word",
          "write the id of a claim in claims.yaml, e.g. udp-reuseaddr-random-delivery",
        );
        continue;
      }
      refs.push({
        id: item.value,
        relation,
        ...(kernel ? { kernel } : {}),
        source: { file: y.file, line: y.lineOf(item) },
      });
    }
  }
  return refs;
}

function readByKernel(y: YamlFile, node: Node): ClaimRef[] {
  if (!isMap(node)) {
    y.problem(
      node,
      "'claims: kernels' maps a kernel selector to relations",
      'e.g. kernels: { "<5.14": { refutes: [a-claim] } }',
    );
    return [];
  }
  return node.items.flatMap((p) => {
    const text = String(isScalar(p.key) ? p.key.value : p.key);
    const selector = parseKernelSelector(text);
    if (!selector) {
      y.problem(
        p,
        `'${text}' is not a kernel selector`,
        "write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)",
      );
      return [];
    }
    return readClaimRefs(y, p.value as Node, selector);
  });
}
