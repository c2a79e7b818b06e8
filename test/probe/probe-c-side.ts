/**
 * The probe's commands and reply fields as its C source declares them (images/probe/cmd_*.c): each
 * file's table `{ "name", MIN_ARGS, MAX_ARGS, "usage", handler }`, and the keys each handler writes
 * with reply_int / reply_str / reply_null / reply_open (or a reply_* helper), at the top level of the
 * reply, following the functions it hands `r` to (its own file's first, then the other files':
 * bench.c's hist_reply). Read from the source, so a rename on one side shows against lab/probe/commands.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FieldType } from "../../lab/probe/commands";

export interface CCommand {
  name: string;
  args: [number, number];
  reply: Record<string, FieldType>;
  file: string;
}

const PRIMITIVE: Record<string, FieldType> = { int: "int", str: "str", null: "null", open: "object" };

/** The body of `static … name(…) {…}` in the first of the sources that defines it. */
function bodyIn(sources: readonly string[], fn: string): { source: string; body: string } | undefined {
  for (const source of sources) {
    const b = body(source, fn);
    if (b !== undefined) return { source, body: b };
  }
  return undefined;
}

/** The body of `static … name(…) {…}`: from its opening brace to the brace that closes it. */
function body(source: string, fn: string): string | undefined {
  const head = new RegExp(`^(?:static\\s+)?[\\w\\s*]+\\b${fn}\\s*\\([^)]*\\)\\s*\\n?\\{`, "m").exec(source);
  if (!head) return undefined;
  let depth = 0;
  for (let i = head.index + head[0].length - 1; i < source.length; i++) {
    if (source[i] === "{") depth++;
    else if (source[i] === "}" && --depth === 0) return source.slice(head.index + head[0].length, i);
  }
  return undefined;
}

/** A reply_* helper of the file (reply_tally): the primitive it writes its key parameter with. */
function helperType(source: string, helper: string): FieldType | undefined {
  const sig = new RegExp(`\\b${helper}\\s*\\(\\s*struct reply \\*r\\s*,\\s*const char \\*(\\w+)`).exec(source);
  const b = sig && body(source, helper);
  if (!sig || !b) return undefined;
  const m = new RegExp(`\\breply_(int|str|null|open)\\(r,\\s*${sig[1]}\\b`).exec(b);
  return m ? PRIMITIVE[m[1]!] : undefined;
}

/** Top-level keys a function writes, following the functions it hands `r` to. */
function keysOf(sources: readonly string[], fn: string, seen = new Set<string>()): Record<string, FieldType[]> {
  const out: Record<string, FieldType[]> = {};
  const found = bodyIn(sources, fn);
  if (!found || seen.has(fn)) return out;
  const { source, body: b } = found;
  seen.add(fn);
  const add = (k: string, t: FieldType) => (out[k] ??= []).includes(t) || out[k]!.push(t);
  let depth = 0;
  for (const m of b.matchAll(/\b(reply_\w+|\w+)\(r\b(?:,\s*("(?:[^"\\]|\\.)*"|[^,)]+))?/g)) {
    const [, call, arg] = m as unknown as [string, string, string | undefined];
    if (call === "reply_close") {
      depth--;
      continue;
    }
    const literal = arg?.startsWith('"') ? (JSON.parse(arg) as string) : undefined;
    if (call.startsWith("reply_") && PRIMITIVE[call.slice(6)] !== undefined) {
      if (depth === 0 && literal !== undefined) add(literal, PRIMITIVE[call.slice(6)]!);
      if (call === "reply_open") depth++;
    } else if (literal !== undefined && helperType(source, call)) {
      // A helper that writes one key it is given: reply_tally(r, "rcodes", …).
      if (depth === 0) add(literal, helperType(source, call)!);
    } else if (!["reply_result", "reply_begin", "reply_end"].includes(call)) {
      for (const [k, ts] of Object.entries(keysOf(sources, call, seen))) for (const t of ts) add(k, t);
    }
  }
  return out;
}

export function cCommands(dir = "images/probe"): CCommand[] {
  const out: CCommand[] = [];
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(".c"))
    .sort();
  const text = new Map(all.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  for (const file of all.filter((f) => /^cmd_.*\.c$/.test(f))) {
    const source = text.get(file)!;
    const sources = [source, ...all.filter((f) => f !== file).map((f) => text.get(f)!)];
    for (const m of source.matchAll(/\{\s*"([\w-]+)",\s*(\d+),\s*(\d+),\s*"[^"]*",\s*(\w+)\s*\}/g)) {
      const [, name, min, max, handler] = m as unknown as [string, string, string, string, string];
      const keys = keysOf(sources, handler);
      const reply: Record<string, FieldType> = {};
      for (const [k, ts] of Object.entries(keys))
        reply[k] =
          ts.length === 1
            ? ts[0]!
            : ts.includes("str") && ts.includes("null") && ts.length === 2
              ? "str-or-null"
              : "mixed";
      out.push({ name, args: [Number(min), Number(max)], reply, file: join(dir, file) });
    }
  }
  return out;
}
