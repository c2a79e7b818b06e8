// doctor: a table of what is there and how to fix what is not; exit 0 when `run` has what it needs.
import test from "ava";
import { labHere } from "./helpers";

/** Runs the CLI here with one variable of the environment changed (serial tests only). */
async function withEnv(name: string, value: string, args: string[]) {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await labHere(args);
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

test.serial("doctor on a ready machine: every check in the table, exit 0", async (t) => {
  const r = await labHere(["doctor"]);
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /^ {2}check +for +status +what is there, or how to fix it$/m);
  t.regex(r.out, /^ {2}toolchain +the probe \(every backend\) +ok +gcc [\d.]+, make; links statically$/m);
  t.regex(r.out, /^ {2}engine +docker backend +ok +Docker engine \S+ at /m);
  t.regex(
    r.out,
    /^ {2}probe-image +the probe \(every backend\) +ok +the probe builds; image reuselab-probe:[0-9a-f]{16}$/m,
  );
  t.regex(r.out, /^ {2}root +netns backend +ok +running as root$/m);
  for (const check of [
    "netns-tools",
    "vm-tools",
    "kvm",
    "report-tools",
    "compose",
    "kernel-5.10",
    "kernel-6.1",
    "kernel-6.12",
  ]) {
    t.regex(r.out, new RegExp(`^  ${check.replace(".", "\\.")} +.+ +(ok|warn|missing) +\\S`, "m"), check);
  }
  t.regex(r.out, /^ready for 'reuselab run'$/m);
});

test.serial(
  "doctor with no engine: the engine row says how to fix it, exit 2; the netns backend does not need one",
  async (t) => {
    const none = "unix:///nonexistent/reuselab.sock";
    const r = await withEnv("DOCKER_HOST", none, ["doctor"]);
    t.is(r.code, 2);
    t.regex(
      r.out,
      new RegExp(
        `^  engine +docker backend +MISSING +nothing answers at DOCKER_HOST=${none}: start that engine, or unset DOCKER_HOST$`,
        "m",
      ),
    );
    t.regex(
      r.out,
      /^ {2}probe-image +the probe \(every backend\) +ok +the probe builds \(images\/probe\/build\/probe\)$/m,
    );
    t.regex(r.out, /^not ready for 'reuselab run': engine missing/m);
    const netns = await withEnv("DOCKER_HOST", none, ["doctor", "--backend", "netns"]);
    t.is(netns.code, 0, netns.out);
    t.regex(netns.out, /^ {2}engine +docker backend +missing +/m);
    t.regex(netns.out, /^ready for 'reuselab run --backend netns'$/m);
  },
);
