import type { Node } from "yaml";
import type { Requirement } from "./case";
import { parseKernelSelector } from "./kernel-selector";
import { isMap, isScalar, type YamlFile } from "./yaml-file";

const FORMAT = 'requires: { kernel: ">=5.14", because: "tcp_migrate_req came in 5.14" }';

/** `requires: { kernel: ">=5.14", because: "…" }`, at case or variant level. */
export function readRequires(y: YamlFile, node: Node | undefined): Requirement[] {
  if (node === undefined) return [];
  const kernel = isMap(node) ? node.get("kernel", true) : undefined;
  const because = isMap(node) ? node.get("because") : undefined;
  if (!isMap(node) || !isScalar(kernel) || typeof because !== "string" || node.items.length !== 2) {
    y.problem(node, "'requires' names a kernel selector and the reason", `write ${FORMAT}`);
    return [];
  }
  const selector = parseKernelSelector(String(kernel.value));
  if (!selector) {
    y.problem(
      kernel,
      `'${String(kernel.value)}' is not a kernel selector`,
      "write a kernel id (host, 5.10) or a comparison (<5.14, >=6.1)",
    );
    return [];
  }
  return [{ kernel: selector, because }];
}
