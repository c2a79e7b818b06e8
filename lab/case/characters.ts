/**
 * Characters that make a case read differently from how it looks: invisible ones (U+200B zero width
 * space, bidi controls…) anywhere, and any letter outside ASCII where the case language is ASCII (a
 * Cyrillic 'і' in "bіnd", a no-break space inside a step). Each is named by its code point and line,
 * so the mistake can be found in an editor that shows nothing wrong.
 */
import { isPair, isScalar, visit, type Scalar } from "yaml";
import type { YamlFile } from "./yaml-file";

/** Keys whose values are prose, where any letter is fine (the rule's "—", a quote's "…"). */
const PROSE = new Set(["title", "rule", "source", "xfail", "because", "subject"]);

const INVISIBLE: Record<number, string> = {
  0x00a0: "no-break space",
  0x00ad: "soft hyphen",
  0x180e: "Mongolian vowel separator",
  0x200b: "zero width space",
  0x200c: "zero width non-joiner",
  0x200d: "zero width joiner",
  0x200e: "left-to-right mark",
  0x200f: "right-to-left mark",
  0x2028: "line separator",
  0x2029: "paragraph separator",
  0x202a: "left-to-right embedding",
  0x202b: "right-to-left embedding",
  0x202c: "pop directional formatting",
  0x202d: "left-to-right override",
  0x202e: "right-to-left override",
  0x2060: "word joiner",
  0x2066: "left-to-right isolate",
  0x2067: "right-to-left isolate",
  0x2068: "first strong isolate",
  0x2069: "pop directional isolate",
  0xfeff: "zero width no-break space (byte order mark)",
};

const SCRIPTS = ["Cyrillic", "Greek", "Armenian", "Cherokee", "Coptic", "Latin"] as const;

export function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** "U+0456, a Cyrillic letter", "U+200B, zero width space". */
function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  if (INVISIBLE[cp]) return `${codePoint(c)}, ${INVISIBLE[cp]}`;
  if (cp >= 0xff01 && cp <= 0xff5e) return `${codePoint(c)}, a full-width '${String.fromCodePoint(cp - 0xfee0)}'`;
  const script = SCRIPTS.find((s) => new RegExp(`\\p{Script=${s}}`, "u").test(c));
  if (script) return `${codePoint(c)}, a ${script === "Latin" ? "non-ASCII Latin" : script} letter`;
  return codePoint(c);
}

/** Visible in the message: an invisible character is shown as <U+200B>. */
function shown(text: string): string {
  return [...text].map((c) => (INVISIBLE[c.codePointAt(0)!] || /\p{C}/u.test(c) ? `<${codePoint(c)}>` : c)).join("");
}

export function checkCharacters(y: YamlFile, text: string): void {
  visit(y.doc, {
    Scalar: (key, node, path) => {
      if (typeof node.value !== "string") return;
      const parent = path[path.length - 1];
      const prose = key === "value" && isPair(parent) && isScalar(parent.key) && PROSE.has(String(parent.key.value));
      const bad = [...node.value].find((c) =>
        prose ? INVISIBLE[c.codePointAt(0)!] !== undefined && c !== "\u00a0" : c > "\u007e",
      );
      if (bad === undefined) return;
      const line = lineOfChar(y, node, text, bad);
      const what = INVISIBLE[bad.codePointAt(0)!] ? "an invisible character" : `'${bad}', not an ASCII character`;
      y.problems.push({
        file: y.file,
        line,
        message: `${what} (${describeChar(bad)}) in '${shown(node.value)}'`,
        fix: INVISIBLE[bad.codePointAt(0)!]
          ? "delete it (retype the word)"
          : "the case language is ASCII: retype the word with ASCII letters (this one may be a look-alike from another alphabet)",
      });
      y.quietLines.add(line);
    },
  });
}

/** The line of the character itself when the scalar spans lines; the scalar's first line otherwise. */
function lineOfChar(y: YamlFile, node: Scalar, text: string, c: string): number {
  const [start, end] = node.range ?? [0, 0];
  const i = text.slice(start, end).indexOf(c);
  return y.lineOf({ ...node, range: [i < 0 ? start : start + i, end, end] } as Scalar);
}
