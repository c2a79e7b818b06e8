/**
 * The guest kernels of the matrix (images/kernels/kernels.yaml), read with the YAML library and
 * checked like a case file: every problem with its file and line, before anything starts.
 *
 *   kernels:
 *     - id: "6.1"                       # optional: the kernel's name in run ids (default: its release)
 *       kernel: debian:bookworm-security  # a kernel spec (kernel-spec.ts); paths are relative to the file
 */
import { dirname, join } from "node:path";
import { isMap, isScalar, isSeq, keyText, YamlFile } from "../../case/yaml-file";
import { formatProblem, suggestion, type Problem } from "../../problems";
import { LabError } from "../../errors";
import { PACKAGE_ROOT as REPO_ROOT } from "../../package-root";
import { parseKernelSpec, type GuestKernel } from "./kernel-spec";

export const KERNELS_FILE = join(REPO_ROOT, "images/kernels/kernels.yaml");

export { cacheDir } from "../../cache-dir";

/** A kernel of the file: its id is always given there (the matrix and expectations name it). */
export type ListedKernel = GuestKernel & { id: string };

/** The kernels of `file`, in its order; throws every problem of the file at once. */
export function readKernelsFile(file = KERNELS_FILE, text?: string): ListedKernel[] {
  const y = new YamlFile(file, text);
  const problems: Problem[] = y.problems;
  const kernels: ListedKernel[] = [];
  const root = y.doc.contents;
  const start = "write 'kernels:' followed by '- { id: \"6.1\", kernel: debian:bookworm-security }' lines";
  if (!problems.length && !isMap(root))
    problems.push({
      file,
      line: root ? y.lineOf(root) : 1,
      message: "kernels.yaml is a mapping with one key, 'kernels'",
      fix: start,
    });
  if (isMap(root)) {
    for (const pair of root.items)
      if (keyText(pair) !== "kernels")
        y.problem(
          pair,
          `unknown key '${keyText(pair)}'`,
          `the only key is 'kernels'; ${suggestion(keyText(pair), ["kernels"], "keys")}`,
        );
    const list = root.get("kernels", true);
    if (!isSeq(list)) y.problem(list ?? root, "'kernels' must be a list of kernels", start);
    else {
      const seen = new Map<string, number>();
      for (const item of list.items) {
        if (!isMap(item)) {
          y.problem(item as never, "each kernel is a mapping with 'id' and 'kernel'", start);
          continue;
        }
        for (const pair of item.items) {
          const k = keyText(pair);
          if (k !== "id" && k !== "kernel")
            y.problem(pair, `unknown key '${k}'`, suggestion(k, ["id", "kernel"], "keys"));
        }
        const id = item.get("id", true);
        const kernel = item.get("kernel", true);
        const idText = isScalar(id) && id.value !== null ? String(id.value) : undefined;
        if (!idText || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(idText))
          y.problem(
            id ?? item,
            idText ? `'${idText}' is not a kernel id` : "this kernel has no 'id'",
            'give it an id of letters, digits and . _ + - (e.g. id: "6.1"; quote it: 6.10 unquoted is the number 6.1)',
          );
        else if (seen.has(idText))
          y.problem(
            id,
            `the id '${idText}' is used twice (first on line ${seen.get(idText)})`,
            "give each kernel its own id",
          );
        else seen.set(idText, y.lineOf(id));
        if (!isScalar(kernel) || typeof kernel.value !== "string") {
          y.problem(
            kernel ?? item,
            "this kernel has no 'kernel' spec",
            "add e.g. 'kernel: debian:bookworm-security' (or a .deb file, a bzImage[:modules folder], a build tree)",
          );
          continue;
        }
        const parsed = parseKernelSpec(kernel.value, dirname(file));
        if ("error" in parsed) y.problem(kernel, parsed.error, parsed.fix);
        else if (parsed.id)
          y.problem(
            kernel,
            "the id goes in 'id:', not in the spec",
            `write 'id: ${parsed.id}' and 'kernel: ${kernel.value.slice(parsed.id.length + 1)}'`,
          );
        else if (idText) kernels.push({ ...parsed, id: idText });
      }
    }
  }
  if (problems.length) throw new KernelsFileError(problems);
  return kernels;
}

/** Every problem of the kernels file, found before anything starts. */
export class KernelsFileError extends LabError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      "REUSELAB_BAD_ARGS",
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the kernels file; nothing was started:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }
}

/** The ids of the kernels the matrix runs, in the file's order. */
export function kernelIds(): string[] {
  return readKernelsFile().map((k) => k.id);
}
