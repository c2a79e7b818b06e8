// The probe's fuzzer, briefly: fuzz.sh builds the libFuzzer harness and runs it for 20 s on the kept
// corpus and the seeds, in an empty network namespace, leaving images/probe/fuzz/corpus as it is.
// The long run (600 s, which also grows the corpus) is `images/probe/fuzz/fuzz.sh` by hand.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FUZZ_SECONDS = 20;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test(`the probe's line protocol survives ${FUZZ_SECONDS} s of libFuzzer on the kept corpus`, async (t) => {
  const clang = spawnSync("clang", ["--version"]);
  if (clang.error || clang.status !== 0) {
    t.fail(
      "clang is missing, and the fuzz harness needs it with its libFuzzer runtime: run 'bash lab/bootstrap/bootstrap.sh fuzz' as root (Debian: apt-get install clang libclang-rt-dev)",
    );
    return;
  }
  const build = mkdtempSync(join(tmpdir(), "reuselab-fuzz-"));
  const { code, stdout, stderr } = await run("bash", ["images/probe/fuzz/fuzz.sh", "--no-keep", String(FUZZ_SECONDS)], {
    ...process.env,
    FUZZ_BUILD: build,
  });
  const executions = Number(/^\s*executions\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
  const evidence = `exit ${String(code)}; its summary:\n${stdout}\nthe end of its log:\n${stderr.split("\n").slice(-40).join("\n")}\n(the build, the log and any finding are kept in ${build})`;
  t.is(code, 0, evidence);
  t.true(executions > 0, evidence);
  t.log(stdout.trim());
  if (code === 0) rmSync(build, { recursive: true, force: true });
});
