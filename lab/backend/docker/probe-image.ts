/**
 * The probe image: the top-level Dockerfile (FROM scratch + the static probe), built locally and
 * tagged by the hash of what goes into it, so a stale image can never pass for a fresh one. A failed
 * build fails loudly: every message of the build stream is checked, and the tag must then name the
 * image the build produced (testcontainers' fromDockerfile reports success for a broken build onto
 * an existing tag, testcontainers-node issue #89).
 */
import type Docker from "dockerode";
import { systemEnv, systemTool } from "../../system-tools";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../errors";
import { PACKAGE_ROOT as REPO_ROOT } from "../../package-root";
import { BUILD_TIMEOUT_ENV, buildTimeoutMs, unanswered } from "./engine-calls";

export const PROBE_BINARY = join(REPO_ROOT, "images/probe/build/probe");

/** Compiles the probe (make is a no-op when it is up to date). */
export function buildProbeBinary(): string {
  const r = spawnSync(systemTool("make", "make"), ["-s", "-C", join(REPO_ROOT, "images/probe")], {
    encoding: "utf8",
    env: systemEnv(),
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `${r.stdout}${r.stderr}`.trim();
    throw new LabError(
      "REUSELAB_PROBE_BUILD",
      `building the probe failed (make -C images/probe): ${why}\nThe probe needs gcc, make and a static libc: run 'bash lab/bootstrap/bootstrap.sh toolchain'.`,
    );
  }
  return PROBE_BINARY;
}

export async function ensureProbeImage(docker: Docker): Promise<string> {
  buildProbeBinary();
  const hash = createHash("sha256")
    .update(readFileSync(join(REPO_ROOT, "Dockerfile")))
    .update(readFileSync(PROBE_BINARY))
    .digest("hex")
    .slice(0, 16);
  const tag = `reuselab-probe:${hash}`;
  if (await imageExists(docker, tag)) return tag;

  let events: BuildEvent[];
  try {
    const stream = await docker.buildImage(
      { context: REPO_ROOT, src: ["Dockerfile", "images/probe/build/probe"] },
      { t: tag, labels: { "reuselab.probe": hash }, rm: true, forcerm: true, pull: false },
    );
    events = await followBuild(docker, stream);
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw new LabError("REUSELAB_PROBE_BUILD", `docker build of the probe image failed: ${(e as Error).message}`);
  }
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) {
    throw new LabError(
      "REUSELAB_PROBE_BUILD",
      `docker build of the probe image failed: ${failed.error ?? failed.errorDetail?.message}`,
    );
  }
  const built = events
    .map((e) => e.aux?.ID)
    .filter(Boolean)
    .pop();
  const inspected = await docker
    .getImage(tag)
    .inspect()
    .catch((e: unknown) => {
      if (e instanceof LabError) throw e; // the engine did not answer: not "missing"
      return undefined;
    });
  // Two runs that build the same inputs at once (two test files, two terminals) each make an image and
  // the later tag wins: an image with this hash's label is built from these same inputs.
  const sameInputs = inspected?.Config?.Labels?.["reuselab.probe"] === hash;
  if (!inspected || (built && inspected.Id !== built && !sameInputs)) {
    throw new LabError(
      "REUSELAB_PROBE_BUILD",
      `docker build reported success but ${tag} is ${inspected ? `image ${inspected.Id}, not the built ${built}` : "missing"}`,
    );
  }
  return tag;
}

/** The build's messages; a build that says nothing for REUSELAB_BUILD_TIMEOUT_MS is taken as stuck. */
function followBuild(docker: Docker, stream: NodeJS.ReadableStream): Promise<BuildEvent[]> {
  const ms = buildTimeoutMs();
  return new Promise<BuildEvent[]>((done, fail) => {
    let timer: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fail(unanswered("POST /build (its next message)", ms, BUILD_TIMEOUT_ENV));
        (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      }, ms);
    };
    quiet();
    stream.on("data", quiet);
    docker.modem.followProgress(stream, (err: Error | null, out: BuildEvent[]) => {
      clearTimeout(timer);
      if (err) fail(err);
      else done(out);
    });
  });
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (e) {
    if (e instanceof LabError) throw e; // the engine did not answer: not "missing"
    return false;
  }
}
