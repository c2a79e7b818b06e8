// The console: colour and a progress line on a terminal only; plain text in a log (a pipe), whatever
// CI sets, and with NO_COLOR no colour even on a terminal. The terminal is script(1)'s pseudo-terminal.
/* eslint-disable no-control-regex -- these tests look for the terminal's escape codes */
import test from "ava";
import { spawnSync } from "node:child_process";
import { lab, scratch } from "./helpers";

const ESC = /\x1b/;
const COLOUR = /\x1b\[(3\d|2|1)m/;
const REDRAW = /\x1b\[(\?7l|2K|1G)/;
const RUN = ["--backend", "netns", "--filter", "uid-rule/tcp-reuseport-needs-same-uid"];
const cache = scratch();

/** Colour decided by the terminal alone: no NO_COLOR, FORCE_COLOR or CI from the test's environment. */
function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, REUSELAB_CACHE: cache, TERM: "xterm-256color", ...extra };
  for (const k of ["NO_COLOR", "FORCE_COLOR", "CI"]) if (!(k in extra)) delete env[k];
  return env;
}

/** The CLI on a pseudo-terminal: what a person at a terminal sees, escape codes and all. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv) {
  const command = ["node", "-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args].join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env });
  return { code: r.status, out: r.stdout };
}

function piped(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
    encoding: "utf8",
    env,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test("into a pipe: no escape code at all, even with CI set", (t) => {
  const r = piped(RUN, plainEnv({ CI: "true" }));
  t.is(r.code, 0, r.out);
  t.regex(r.out, /PASS {2}uid-rule\/tcp-reuseport-needs-same-uid\.other-uid@host/);
  t.notRegex(r.out, ESC);
});

test("on a terminal: colour, and a progress line that is gone before the summary", (t) => {
  const r = onTerminal(RUN, plainEnv());
  t.is(r.code, 0, r.out);
  t.regex(r.out, COLOUR);
  t.regex(r.out, REDRAW);
  t.regex(r.out, /\d\/2 runs \d+\.\d s/);
  t.regex(r.out, /\x1b\[0J2 runs: 2 passed, 0 failed/, "the progress line is cleared, then the summary");
});

test("on a terminal with NO_COLOR: no colour; FORCE_COLOR into a pipe: colour", (t) => {
  const none = onTerminal(["list", "tags"], plainEnv({ NO_COLOR: "1" }));
  t.is(none.code, 0, none.out);
  t.regex(none.out, /reuseport/);
  t.notRegex(none.out, ESC);
  const forced = piped(["list", "tags"], plainEnv({ FORCE_COLOR: "1" }));
  t.regex(forced.out, COLOUR);
  t.notRegex(forced.out, REDRAW);
});

test("exit 1 when the kernel contradicts a case, with the failure on one line (netns backend)", (t) => {
  const r = lab(["--backend", "netns", "--cases", "test/fixtures/failing"], { REUSELAB_CACHE: cache });
  t.is(r.code, 1, r.err);
  t.regex(
    r.out,
    /^ {8}test\/fixtures\/failing\/wrong-expectation\.yaml:13: second: bind tcp 0\.0\.0\.0:8080 reuseport: expected ok but got -1 EADDRINUSE$/m,
  );
  t.regex(r.out, /^1 run: 0 passed, 1 failed in \d+\.\d s$/m);
});
