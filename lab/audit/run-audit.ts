/**
 * Runs audits: for each, the service image (built once per package list), a lab with the service on
 * it, a wait until the service answers, its sockets as the kernel lists them, then each profile in
 * turn. Progress goes to the caller's log; what it returns is the verdicts, which reporters format.
 */
import type Docker from "dockerode";
import { removeLabelled, removeLeftovers } from "../backend/docker/cleanup";
import { ensureEgressGuard } from "../backend/docker/egress-guard";
import { connectEngine } from "../backend/docker/engine";
import { newRunLabel, RUN_LABEL } from "../backend/docker/labels";
import { ensureProbeImage } from "../backend/docker/probe-image";
import { LabError } from "../errors";
import { PROFILES, type Audit, type AuditResult, type ProfileName, type ProfileVerdict } from "./audit";
import { AuditLab } from "./audit-lab";
import { PROFILE_RUNNERS } from "./profiles";
import type { Finding } from "./profiles/profile";
import { describeModel, hostModel } from "./host-model";
import { Inconclusive } from "./profiles/profile";
import { waitUntilReady } from "./service-client";
import { ensureServiceImage } from "./service-image";
import { boundAddresses, servedFamilies, serviceSockets } from "./service-sockets";
import { ignored } from "../debug-log";
import { throwIfInterrupted } from "../interruption";

export interface AuditOptions {
  /** Flows (distinct source ports, one question each) the client sends in each baseline and attack. */
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
    if (
      a.image.kind === "local" &&
      !(await docker
        .getImage(a.image.image)
        .inspect()
        .then(
          () => true,
          (e: unknown) => ignored("audit/image-inspect")(e) ?? false,
        ))
    )
      missing.push(`${a.file}: there is no image '${a.image.image}' on this engine`);
  }
  if (missing.length)
    throw new LabError(
      "REUSELAB_BAD_ARGS",
      `${missing.join("\n")}\n(the lab pulls nothing: build or load the image first)`,
    );
  const probeImage = await ensureProbeImage(docker);
  const session = o.session ?? newRunLabel();
  const results: AuditResult[] = [];
  let stopping: Promise<unknown> | undefined;
  const stopOnAbort = () =>
    void (stopping = removeLabelled(docker, `${RUN_LABEL}=${session}`).catch(ignored("audit/remove-on-abort")));
  o.signal?.addEventListener("abort", stopOnAbort, { once: true });
  try {
    for (const audit of audits) {
      throwIfInterrupted(o.signal, "the audit");
      results.push(await runAudit(docker, audit, probeImage, session, o));
    }
  } finally {
    o.signal?.removeEventListener("abort", stopOnAbort);
    if (stopping) {
      // The lab's own removal ran beside the abort's: a network whose container was still going is
      // left to this one. Both end before the audit does, so nothing of it outlives the call.
      await stopping;
      await removeLabelled(docker, `${RUN_LABEL}=${session}`).catch(ignored("audit/remove-after-abort"));
    }
  }
  return results;
}

async function serviceImage(docker: Docker, audit: Audit, o: AuditOptions): Promise<string> {
  if (audit.image.kind === "packages") {
    const { packages } = audit.image;
    return ensureServiceImage(docker, packages, o.signal, (tag) =>
      o.log?.(
        `${audit.name}: building ${tag}: Debian bookworm with ${packages.join(", ")} (once per package list, ~1 min)`,
      ),
    );
  }
  return audit.image.image; // checked before the first container started
}

async function runAudit(
  docker: Docker,
  audit: Audit,
  probeImage: string,
  session: string,
  o: AuditOptions,
): Promise<AuditResult> {
  const image = await serviceImage(docker, audit, o);
  const host = hostModel(audit.hostSysctls);
  o.log?.(`${audit.name}: modelled host: ${describeModel(host)}`);
  await using lab = new AuditLab(
    docker,
    session,
    audit,
    probeImage,
    Object.fromEntries(Object.entries(host).map(([k, v]) => [k, v.value])),
  );
  await lab.start(image);
  const order = PROFILES.filter((p) => audit.profiles.includes(p));
  const result = (sockets: string[], verdicts: ProfileVerdict[], notes: string[] = []): AuditResult => ({
    audit: audit.name,
    file: audit.file,
    image,
    port: `${audit.port.port}/${audit.port.transport}`,
    host,
    sockets,
    profiles: verdicts,
    mustResist: audit.mustResist,
    gateFailures: gateFailures(verdicts, audit.mustResist),
    notes: [...serviceNotes(audit), ...notes],
  });
  const ready = await waitUntilReady(lab.client, audit, lab.service);
  if (!ready.ready) {
    // No baseline: no attack could show anything. Every profile says so; none reads as resisted.
    o.log?.(`${audit.name}: not ready: ${ready.reason}`);
    const pid = await lab.service.pid();
    const verdicts = order.map((profile): ProfileVerdict => ({
      profile,
      verdict: "inconclusive",
      basis: "setup",
      evidence: `no baseline: ${ready.reason}`,
      durationMs: 0,
    }));
    return result(pid ? serviceSockets(pid, audit.port) : [], verdicts, [
      `the service's output:\n${ready.output || "(none)"}`,
    ]);
  }
  o.log?.(
    `${audit.name}: answering on ${lab.service.address} ${audit.port.port}/${audit.port.transport} after ${ready.ms} ms`,
  );
  const sockets = serviceSockets(await lab.service.pid(), audit.port);
  const families = servedFamilies(sockets);
  const base = { audit, lab, sockets, boundAddresses: boundAddresses(sockets), requests: o.requests ?? 64 };
  const verdicts: ProfileVerdict[] = [];
  for (const profile of order) {
    // The attacks run in each family the service listens on; restart and reload once, over IPv4 where it is served.
    const attack = profile.startsWith("udp-") || profile.startsWith("tcp-");
    for (const family of attack ? families : [families[0] ?? "v4"]) {
      throwIfInterrupted(o.signal, "the audit");
      const started = Date.now();
      let finding: Finding;
      try {
        finding = await PROFILE_RUNNERS[profile]({ ...base, family });
      } catch (e) {
        throwIfInterrupted(o.signal, "the audit");
        if (e instanceof LabError && e.code === "REUSELAB_INTERRUPTED") throw e;
        // Anything that stopped the attack half-way (a probe gone, a call unanswered) leaves it unproven.
        finding = {
          verdict: "inconclusive",
          basis: "setup",
          evidence: e instanceof Inconclusive ? e.reason : `the attack did not complete: ${(e as Error).message}`,
        };
      }
      verdicts.push({ profile, ...(attack ? { family } : {}), ...finding, durationMs: Date.now() - started });
      o.log?.(`${audit.name}: ${profile}${attack ? ` ${family}` : ""}: ${finding.verdict}`);
    }
  }
  return result(sockets, verdicts);
}

/** The CI gate: a must-resist profile fails it unless it was resisted (inconclusive and not applicable prove nothing). */
export function gateFailures(verdicts: readonly ProfileVerdict[], mustResist: readonly ProfileName[]): ProfileName[] {
  return [
    ...new Set(
      verdicts.filter((v) => v.verdict !== "resisted" && mustResist.includes(v.profile)).map((v) => v.profile),
    ),
  ];
}

/** What a reader of the verdicts should know about how the service was run. */
function serviceNotes(audit: Audit): string[] {
  const uid = audit.user.split(":")[0];
  return uid === "0"
    ? [
        `the service starts as root (user "${audit.user}"): its sockets are owned by uid 0 even after it drops privileges, so the same-uid profiles attack as root (without capabilities); give it a uid of its own if it can run without root`,
      ]
    : [];
}
