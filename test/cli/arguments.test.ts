// Every command's --help, and bad command lines: exit 2 with a message that says what is wrong,
// before anything is started. In this process (serial): none of it needs a process of its own.
import test from "ava";
import { labHere } from "./helpers";

const COMMANDS: [string, RegExp][] = [
  [
    "run",
    /--filter <text>.*--tag <tag>.*--kernels <list>.*--backend <name>.*--repeat <n>.*--json <file>.*--junit <file>.*--html <file>/s,
  ],
  ["matrix", /every guest kernel image.*--kernels <list>.*--repeat <n>/s],
  ["list", /Usage: reuselab list \[options\] \[section\].*--filter <text>.*--json/s],
  ["explain", /Usage: reuselab explain \[options\] <case>/],
  ["doctor", /installs nothing.*--backend <name>/s],
  ["clean", /a run still going keeps its own/],
  ["demo", /Usage: reuselab demo \[options\] <name>.*choices: "hijack".*--requests <n>/s],
  ["merge", /Usage: reuselab merge \[options\] <out> <inputs\.\.\.>.*--junit <file>.*--html <file>/s],
];

test.serial("--help at the top lists every command and the exit statuses", async (t) => {
  const r = await labHere(["--help"]);
  t.is(r.code, 0);
  t.regex(r.out, /Usage: reuselab \[command\] \[options\]/);
  for (const [name] of COMMANDS) t.regex(r.out, new RegExp(`^  ${name}\\b`, "m"), name);
  t.regex(r.out, /exit status: 0 all passed, 1 a run failed, 2 bad input or environment/);
  t.is(r.err, "");
});

for (const [name, shows] of COMMANDS) {
  test.serial(`${name} --help shows its own options and exits 0`, async (t) => {
    const r = await labHere([name, "--help"]);
    t.is(r.code, 0, r.err);
    t.regex(r.out, shows);
  });
}

test.serial("'help COMMAND' is --help", async (t) => {
  const r = await labHere(["help", "explain"]);
  t.is(r.code, 0);
  t.regex(r.out, /Usage: reuselab explain/);
});

const BAD: [string[], RegExp][] = [
  [["bogus"], /unknown command 'bogus'/],
  [["lsit"], /unknown command 'lsit'\n\(Did you mean list\?\)/],
  [["--bogus"], /unknown option '--bogus'/],
  [["list", "--bogus"], /unknown option '--bogus'/],
  [["--repeat", "0"], /--repeat 0 is not a whole number from 1 to 100/],
  [["--repeat", "101"], /--repeat 101 is not a whole number from 1 to 100/],
  [["--jobs", "x"], /--jobs x is not a whole number from 1 to 32/],
  [["matrix", "--guests", "0"], /--guests 0 is not a whole number from 1 to 64/],
  [["--backend", "podman"], /argument 'podman' is invalid\. Allowed choices are docker, netns/],
  [["list", "bogus"], /value 'bogus' is invalid for argument 'section'\. Allowed choices are cases, tags, claims/],
  [["explain"], /missing required argument 'case'/],
  [["explain", "a", "b"], /too many arguments for 'explain'/],
  [["merge", "out.json"], /missing required argument 'inputs'/],
  [["demo", "bogus"], /value 'bogus' is invalid for argument 'name'\. Allowed choices are hijack/],
  [["demo", "hijack", "--requests", "0"], /--requests 0 is not a whole number from 1 to 1000/],
  [["doctor", "--kernels", "4.19"], /unknown kernel 4\.19: the kernels are host, 5\.10, 6\.1, 6\.12/],
  [["--cases", "test/fixtures/nonexistent"], /no such case file or folder: test\/fixtures\/nonexistent/],
];

for (const [args, says] of BAD) {
  test.serial(`bad command line '${args.join(" ")}': exit 2, says why`, async (t) => {
    const r = await labHere(args);
    t.is(r.code, 2);
    t.regex(r.err, says);
    t.regex(r.err, /^reuselab: /);
    t.is(r.out, "");
  });
}
