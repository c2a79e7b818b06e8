/**
 * What a case file's text must be before YAML reads it: small enough to hold in memory, with line
 * ends YAML sees, nested no deeper than a case ever needs. Each check reads the text once, with no
 * recursion, so a hostile file costs its size and no more.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** The largest case file read; the catalogue's largest is ~5 KB, claims.yaml ~12 KB. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Levels of nesting; a case needs ~7 (variants → variant → claims → kernels → selector → relation → list). */
export const MAX_DEPTH = 32;

export type TextProblem = { line: number; message: string; fix: string };

let readBuffer: Buffer | undefined;

/** The file's bytes, or the problem with it; never more than MAX_FILE_BYTES + 1 bytes are read. */
export function readBounded(file: string): { bytes: Buffer } | { problem: TextProblem } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    return {
      problem: {
        line: 1,
        message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        fix: "check that the file exists and is readable",
      },
    };
  }
  try {
    // Read, not stat: a FIFO or /proc file has no size to stat. Into one buffer for every file: a
    // zeroed megabyte per file cost more than reading a catalogue of 70 files.
    const buf = (readBuffer ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1));
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_FILE_BYTES)
      return {
        problem: {
          line: 1,
          message: `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the most a case file may be`,
          fix: "a case file holds one behaviour and is a few KB: split it, or check that --cases names the right file",
        },
      };
    return { bytes: Buffer.from(buf.subarray(0, n)) };
  } catch (e) {
    return {
      problem: {
        line: 1,
        message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        fix: "check that the file is a readable file",
      },
    };
  } finally {
    closeSync(fd);
  }
}

/** A CR not followed by LF: YAML (the library) does not end a line there, so the file reads as one line. */
export function loneCarriageReturn(text: string): TextProblem | undefined {
  const i = text.search(/\r(?!\n)/);
  if (i < 0) return undefined;
  return {
    line: lineAt(text, i),
    message: "CR line ends (a carriage return with no line feed after it); YAML reads them as one long line",
    fix: "convert the file to LF line ends (e.g. tr '\\r' '\\n', or dos2unix -c mac)",
  };
}

/**
 * The first line nested deeper than MAX_DEPTH: block levels (an indentation stack, plus "- - -"
 * sequences opened on one line) and open flow brackets. Quoted text and comments do not count.
 */
export function tooDeep(text: string): TextProblem | undefined {
  const indents: number[] = [];
  let flow = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const bare = lines[i]!.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""').replace(/(^|\s)#.*$/, "");
    const body = bare.trimStart();
    if (!body) continue;
    const indent = bare.length - body.length;
    if (flow === 0) {
      while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    const dashes = /^(?:[-?]\s+)*/.exec(body)![0].replace(/\s/g, "").length;
    let deepest = flow;
    for (const c of body) {
      if (c === "[" || c === "{") deepest = Math.max(deepest, ++flow);
      else if ((c === "]" || c === "}") && flow > 0) flow--;
    }
    const depth = indents.length + dashes + deepest;
    if (depth > MAX_DEPTH)
      return {
        line: i + 1,
        message: `this line is nested ${depth} levels deep; a case file needs a few, and the lab reads at most ${MAX_DEPTH}`,
        fix: "flatten it: a step is one line, '- actor: call => expectation'",
      };
  }
  return undefined;
}

export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
