/**
 * Runs audits: for each, the service image (built once per package list), a lab with the service on
 * it, a wait until the service answers, its sockets as the kernel lists them, then each profile in
 * turn. Progress goes to the caller's log; what it returns is the verdicts, which reporters format.
 */
import type Docker from "dockerode";
import { removeLabelled, removeLeftovers } from "../backend/docker/cleanup";
import { ensureEgressGuard } from "../backend/docker/egress-guard";
import { connectEngine } from "../backend/docker/engine";
import { newSession, RUN_LABEL } from "../backend/docker/labels";
import { ensureProbeImage } from "../backend/docker/probe-image";
import { LabError } from "../errors";
import { PROFILES, type Audit, type AuditResult, type ProfileVerdict } from "./audit";
import { AuditLab } from "./audit-lab";
import { PROFILE_RUNNERS } from "./profiles";
import { waitUntilAnswers } from "./service-client";
import { ensureServiceImage } from "./service-image";
import { boundAddresses, serviceSockets } from "./service-sockets";

export interface AuditOptions {
  /** Questions the client asks in each attack. */
  requests?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The lab session (labels every object); a fresh one by default. */
  session?: string;
}

export async function runAudits(audits: readonly Audit[], o: AuditOptions = {}): Promise<AuditResult[]> {
  const docker = await connectEngine();
  ensureEgressGuard();
  await removeLeftovers(docker);
  // Every local image is checked before the first container starts: the lab pulls nothing.
  const missing: string[] = [];
  for (const a of audits) {
    if (a.image.kind === "local" && !(await docker.getImage(a.image.image).inspect().then(() => true, () => false))) missing.push(`${a.file}: there is no image '${a.image.image}' on this engine`);
  }
  if (missing.length) throw new LabError("REUSELAB_BAD_ARGS", `${missing.join("\n")}\n(the lab pulls nothing: build or load the image first)`);
  const probeImage = await ensureProbeImage(docker);
  const session = o.session ?? newSession();
  const results: AuditResult[] = [];
  const stopOnAbort = () => void removeLabelled(docker, `${RUN_LABEL}=${session}`).catch(() => undefined);
  o.signal?.addEventListener("abort", stopOnAbort, { once: true });
  try {
    for (const audit of audits) {
      checkAborted(o.signal);
      results.push(await runAudit(docker, audit, probeImage, session, o));
    }
  } finally {
    o.signal?.removeEventListener("abort", stopOnAbort);
  }
  return results;
}

async function serviceImage(docker: Docker, audit: Audit, o: AuditOptions): Promise<string> {
  if (audit.image.kind === "packages") {
    const { packages } = audit.image;
    return ensureServiceImage(docker, packages, o.signal, (tag) => o.log?.(`${audit.name}: building ${tag}: Debian bookworm with ${packages.join(", ")} (once per package list, ~1 min)`));
  }
  return audit.image.image; // checked before the first container started
}

async function runAudit(docker: Docker, audit: Audit, probeImage: string, session: string, o: AuditOptions): Promise<AuditResult> {
  const image = await serviceImage(docker, audit, o);
  await using lab = new AuditLab(docker, session, audit, probeImage);
  await lab.start(image);
  const readyMs = await waitUntilAnswers(lab.client, audit, lab.service);
  o.log?.(`${audit.name}: answering on ${lab.service.address} ${audit.port.port}/${audit.port.transport} after ${readyMs} ms`);
  const sockets = serviceSockets(await lab.service.pid(), audit.port);
  const ctx = { audit, lab, sockets, boundAddresses: boundAddresses(sockets), requests: o.requests ?? 10 };
  const verdicts: ProfileVerdict[] = [];
  for (const profile of PROFILES.filter((p) => audit.profiles.includes(p))) {
    checkAborted(o.signal);
    const started = Date.now();
    const finding = await PROFILE_RUNNERS[profile](ctx);
    verdicts.push({ profile, ...finding, durationMs: Date.now() - started });
    o.log?.(`${audit.name}: ${profile}: ${finding.verdict}`);
  }
  return {
    audit: audit.name,
    file: audit.file,
    image,
    port: `${audit.port.port}/${audit.port.transport}`,
    sockets,
    profiles: verdicts,
    gateFailures: verdicts.filter((v) => v.verdict === "vulnerable" && audit.mustResist.includes(v.profile)).map((v) => v.profile),
  };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LabError("REUSELAB_INTERRUPTED", "the audit was interrupted");
}
