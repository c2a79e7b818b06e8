import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { Problem } from "./problems";

/** A parsed YAML file that remembers where each node came from, and collects problems with lines. */
export class YamlFile {
  readonly doc: Document.Parsed;
  readonly problems: Problem[] = [];
  private readonly lines = new LineCounter();

  constructor(readonly file: string, text = readFileSync(file, "utf8")) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) {
      const line = this.lines.linePos(e.pos[0]).line;
      const opened = /^Flow (map|sequence)/.test(e.message) ? unclosedBefore(text, line) : undefined;
      if (opened) {
        this.problems.push({ file, line: opened.line, message: `YAML: '${opened.bracket}' is not closed on this line`, fix: `add '${opened.bracket === "{" ? "}" : "]"}'` });
      } else {
        this.problems.push({ file, line, message: `YAML: ${e.message.split("\n")[0]}`, fix: "correct the YAML syntax" });
      }
    }
  }

  lineOf(node: Node | Pair | null | undefined): number {
    const range = node && ("range" in node ? node.range : isScalarKey(node) ? node.key.range : undefined);
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  problem(node: Node | Pair | null | undefined, message: string, fix?: string): void {
    this.problems.push({ file: this.file, line: this.lineOf(node), message, ...(fix ? { fix } : {}) });
  }

  /** The top-level mapping, or null after a problem. */
  root(): YAMLMap | null {
    const c = this.doc.contents;
    if (isMap(c)) return c;
    if (!this.doc.errors.length) this.problem(c, "a case file is a YAML mapping", "start with 'schemaVersion: 1'");
    return null;
  }
}

/** The last line before `line` that opens more { or [ than it closes: where a flow collection was left open. */
function unclosedBefore(text: string, line: number): { line: number; bracket: string } | undefined {
  const lines = text.split("\n");
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const l = lines[i]!.replace(/"[^"]*"|'[^']*'|#.*$/g, "");
    for (const [open, close] of [["{", "}"], ["[", "]"]] as const) {
      if (l.split(open).length > l.split(close).length) return { line: i + 1, bracket: open };
    }
  }
  return undefined;
}

function isScalarKey(node: unknown): node is Pair<Node> {
  return typeof node === "object" && node !== null && "key" in node && isScalar((node as Pair).key);
}

export function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

export { isMap, isScalar, isSeq };
