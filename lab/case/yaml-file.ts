import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  YAMLParseError,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
  type YAMLMap,
} from "yaml";
import type { Problem } from "../problems";
import { loneCarriageReturn, readBounded, tooDeep } from "./raw-text";

/** A parsed YAML file that remembers where each node came from, and collects problems with lines. */
export class YamlFile {
  readonly doc: Document.Parsed;
  /** The text YAML read ("" when the file could not be read, or was refused before parsing). */
  readonly text: string;
  readonly problems: Problem[] = [];
  /** Lines with a problem found in the text itself (syntax, aliases, characters): any other problem there is its echo. */
  readonly quietLines = new Set<number>();
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text?: string,
  ) {
    const source = text ?? this.read();
    const unreadable =
      source === undefined ? undefined : (notText(source) ?? loneCarriageReturn(source) ?? tooDeep(source));
    if (unreadable) this.problems.push({ file, ...unreadable });
    // Garbage is not parsed: what YAML would make of it would only bury the one problem that matters.
    const yaml = source === undefined || unreadable ? "" : source;
    this.text = yaml;
    this.doc = parse(yaml, this.lines);
    // Errors that follow the first on the same line are its echoes (a tab makes four).
    const reported = new Set<number>();
    for (const e of this.doc.errors) {
      const p = /call stack/.test(e.message)
        ? { line: 1, ...DEEP }
        : explain(e, yaml, this.lines.linePos(e.pos[0]).line);
      if (reported.has(p.line)) continue;
      reported.add(p.line);
      this.problems.push({ file, ...p });
    }
    for (const w of this.doc.warnings) {
      const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1];
      const line = this.lines.linePos(w.pos[0]).line;
      if (tag)
        this.problems.push({
          file,
          line,
          message: `YAML: unknown tag '${tag}'`,
          fix: "remove it: a case file holds plain values",
        });
      else
        this.problems.push({
          file,
          line,
          message: `YAML: ${w.message.split("\n")[0]}`,
          fix: "correct the YAML syntax",
        });
    }
    // The loader reads nodes, not aliases of them: an alias would be read as neither a value nor a
    // mapping. Said once for the file, however many there are (an alias bomb has thousands).
    const aliases: Alias[] = [];
    visit(this.doc, { Alias: (_, node) => void aliases.push(node) });
    if (aliases.length) {
      const lines = [...new Set(aliases.map((a) => this.lineOf(a)))];
      const more =
        aliases.length > 1
          ? ` (${aliases.length} aliases on ${lines.length === 1 ? "this line" : `${lines.length} lines, the first here`})`
          : "";
      this.problem(
        aliases[0],
        `YAML alias '*${aliases[0]!.source}' cannot be used in a case file${more}`,
        "write the value out; for what differs between variants use a parameter ({name})",
      );
      for (const l of lines) this.quietLines.add(l);
    }
    for (const p of this.problems) this.quietLines.add(p.line);
  }

  lineOf(node: Node | Pair | null | undefined): number {
    const range = node && ("range" in node ? node.range : pairRange(node));
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  /** Reports a problem; the same problem at the same line is reported once. */
  problem(node: Node | Pair | null | undefined, message: string, fix?: string): void {
    const line = this.lineOf(node);
    if (this.problems.some((p) => p.line === line && p.message === message)) return;
    this.problems.push({ file: this.file, line, message, ...(fix ? { fix } : {}) });
  }

  /** The top-level mapping, or null after a problem. */
  root(): YAMLMap | null {
    const c = this.doc.contents;
    if (isMap(c)) return c;
    if (this.problems.length) return null;
    const start = "start with 'schemaVersion: 1', then title, rule, source, actors and steps";
    if (c === null || (isScalar(c) && c.value === null))
      this.problems.push({
        file: this.file,
        line: 1,
        message: "the case file is empty (nothing but blank lines or comments)",
        fix: start,
      });
    else
      this.problem(
        c,
        `a case file is a YAML mapping of 'key: value' lines, not ${isSeq(c) ? "a list" : "a single value"}`,
        start,
      );
    return null;
  }

  private read(): string | undefined {
    const r = readBounded(this.file);
    if ("problem" in r) {
      this.problems.push({ file: this.file, ...r.problem });
      return undefined;
    }
    const bytes = r.bytes;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Decoding again, leniently, finds where the first byte that is not UTF-8 sits.
      const lenient = new TextDecoder("utf-8").decode(bytes);
      const line = lenient.slice(0, lenient.indexOf("\uFFFD")).split("\n").length;
      this.problems.push({
        file: this.file,
        line,
        message: "this line is not UTF-8 text (is it a binary file?)",
        fix: "a case file is YAML text in UTF-8",
      });
      return undefined;
    }
  }
}

const DEEP = {
  message: "the file is nested too deeply for YAML to read",
  fix: "flatten it: a step is one line, '- actor: call => expectation'",
};

/** YAML's parser recurses per level: tooDeep() keeps the text shallow, and a stack overflow left is still a problem, not a crash. */
function parse(yaml: string, lines: LineCounter): Document.Parsed {
  try {
    return parseDocument(yaml, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const doc = parseDocument("", { lineCounter: new LineCounter() });
    doc.errors.push(new YAMLParseError([0, 0], "BAD_INDENT", "Maximum call stack size exceeded"));
    return doc;
  }
}

/** Control characters other than tab, newline and carriage return have no place in YAML text. */
function notText(text: string): { line: number; message: string; fix: string } | undefined {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const i = text.search(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
  if (i < 0) return undefined;
  const code = text.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  return {
    line: text.slice(0, i).split("\n").length,
    message: `control character U+${code} on this line (is it a binary file?)`,
    fix: "a case file is YAML text in UTF-8",
  };
}

/** A YAML parser error in the case language's words, with the line where the mistake is, and its fix. */
function explain(e: YAMLError, text: string, line: number): { line: number; message: string; fix: string } {
  const first = e.message.split("\n")[0]!;
  switch (e.code) {
    case "TAB_AS_INDENT":
      return { line, message: "YAML: a tab indents this line", fix: "indent with spaces; YAML does not allow tabs" };
    case "DUPLICATE_KEY":
      // The error points at the key's first character; the key runs to its ':'.
      return {
        line,
        message: `YAML: '${/^[^:\n]*/.exec(text.slice(e.pos[0]))![0].trim()}' appears twice in the same mapping`,
        fix: "keep one of them, or give this one another name",
      };
    case "MULTIPLE_DOCS":
      return {
        line,
        message: "YAML: a second document starts here ('---')",
        fix: "a case file is one document: remove the '---', or move what follows to a file of its own",
      };
    case "BLOCK_AS_IMPLICIT_KEY":
      if (/^Nested mappings/.test(first))
        return {
          line,
          message: "YAML: ': ' (or a ':' at the end) inside a value starts a mapping",
          fix: "put the value in quotes, or write it on the next lines after '>-'",
        };
      break;
    case "MISSING_CHAR": {
      const quote = /^Missing closing (["'])quote/.exec(first)?.[1];
      const opened = quote ? quoteOpenedOn(text, quote, line) : undefined;
      if (quote && opened)
        return {
          line: opened,
          message: `YAML: the ${quote} opened on this line is never closed`,
          fix: `add the closing ${quote}`,
        };
      break;
    }
    case "BAD_DQ_ESCAPE":
      return {
        line,
        message: `YAML: ${first}`,
        fix: "in double quotes a backslash starts an escape: write \\\\, or use single quotes",
      };
  }
  const opened = /^Flow (map|sequence)/.test(first) ? unclosedBefore(text, line) : undefined;
  if (opened)
    return {
      line: opened.line,
      message: `YAML: '${opened.bracket}' is not closed on this line`,
      fix: `add '${opened.bracket === "{" ? "}" : "]"}'`,
    };
  return { line, message: `YAML: ${first}`, fix: "correct the YAML syntax" };
}

/** The first line, up to `line`, where a value starts with `quote` and the line does not close it. */
function quoteOpenedOn(text: string, quote: string, line: number): number | undefined {
  const lines = text.split("\n");
  const opens = new RegExp(`(^|[:\\-\\[{,]\\s)\\s*${quote}`);
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const l = lines[i]!.replace(quote === '"' ? /\\./g : /''/g, "");
    const m = opens.exec(l);
    if (m && l.slice(m.index).split(quote).length % 2 === 0) return i + 1;
  }
  return undefined;
}

/** The last line before `line` that opens more { or [ than it closes: where a flow collection was left open. */
function unclosedBefore(text: string, line: number): { line: number; bracket: string } | undefined {
  const lines = text.split("\n");
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const l = lines[i]!.replace(/"[^"]*"|'[^']*'|#.*$/g, "");
    for (const [open, close] of [
      ["{", "}"],
      ["[", "]"],
    ] as const) {
      if (l.split(open).length > l.split(close).length) return { line: i + 1, bracket: open };
    }
  }
  return undefined;
}

/** A pair has no range of its own: where its key (or else its value) starts. */
function pairRange(node: unknown): readonly number[] | undefined {
  if (typeof node !== "object" || node === null || !("key" in node)) return undefined;
  const { key, value } = node as Pair;
  const withRange = (n: unknown) =>
    typeof n === "object" && n !== null && "range" in n ? (n as Node).range : undefined;
  return withRange(key) ?? withRange(value) ?? undefined;
}

export function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

export { isAlias, isMap, isScalar, isSeq };
