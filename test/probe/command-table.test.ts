/**
 * lab/probe/commands.ts against the probe's C source: the same commands, the same number of words
 * after each, the same reply fields with the same types. Renaming a command or a reply field on one
 * side only fails here, before any probe is built or run.
 */
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROBE_COMMANDS } from "../../lab/probe/commands";
import { cCommands } from "./probe-c-side";

function tsTable(): Record<string, { args: [number, number]; reply: Record<string, string> }> {
  return Object.fromEntries(
    Object.entries(PROBE_COMMANDS).map(([name, spec]) => [
      name,
      { args: [...spec.args] as [number, number], reply: { ...spec.reply } },
    ]),
  );
}

function cTable(dir?: string): Record<string, { args: [number, number]; reply: Record<string, string> }> {
  return Object.fromEntries(cCommands(dir).map((c) => [c.name, { args: c.args, reply: c.reply }]));
}

test("the C source is read: its tables name the commands the steps use", (t) => {
  const c = cTable();
  for (const name of ["socket", "bind", "listen", "accept", "recv", "send", "tcpstates", "getsockopt", "hello"])
    t.truthy(c[name], name);
  t.deepEqual(c.accept!.reply, { accepted: "int", held: "int" });
  t.deepEqual(c.tcpstates!.reply, { states: "object", timers_ms: "object" });
  t.deepEqual(c.dnsq!.reply.from, "str-or-null");
});

test("every probe command, its arity and its reply fields are the same in TypeScript and in C", (t) => {
  t.deepEqual(tsTable(), cTable());
});

/** A copy of the probe's source with one edit, read as the test reads the real one. */
function edited(file: string, from: string, to: string): ReturnType<typeof cTable> {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-probe-src-"));
  try {
    for (const f of readdirSync("images/probe").filter((f) => f.endsWith(".c")))
      writeFileSync(join(dir, f), readFileSync(join("images/probe", f)));
    const text = readFileSync(join(dir, file), "utf8");
    if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
    writeFileSync(join(dir, file), text.replace(from, to));
    return cTable(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the comparison bites: a command or a reply field renamed, or an arity changed, on the C side only", (t) => {
  t.notDeepEqual(tsTable(), edited("cmd_stream.c", '{ "closeaccepted", 1, 1,', '{ "close-accepted", 1, 1,'));
  t.notDeepEqual(tsTable(), edited("cmd_dgram.c", 'reply_int(r, "received", got);', 'reply_int(r, "got", got);'));
  t.notDeepEqual(tsTable(), edited("cmd_socket.c", '{ "listen", 1, 2,', '{ "listen", 1, 3,'));
  t.notDeepEqual(tsTable(), edited("cmd_socket.c", 'reply_int(r, "value", v);', 'reply_str(r, "value", "1");'));
});
