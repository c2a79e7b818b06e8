/**
 * The probe's line protocol (images/probe/main.c): one command per line in, one JSON object per line
 * out. A reply carries either the kernel's answer ("ret", "errno") or, when the command was not
 * understood, "error" (and then no syscall was made).
 */
import { LabError } from "../errors";

export interface ProbeReply {
  seq: number;
  cmd: string;
  ret?: number;
  errno?: string | null;
  error?: string;
  [field: string]: unknown;
}

// eslint-disable-next-line no-control-regex
const WORD = /^[^\s\x00-\x1f\x7f]+$/;

export function encodeCommand(words: readonly string[]): string {
  for (const w of words) {
    if (!WORD.test(w))
      throw new LabError(
        "REUSELAB_PROBE_PROTOCOL",
        `probe command word ${JSON.stringify(w)} is empty or has whitespace or control characters`,
      );
  }
  return `${words.join(" ")}\n`;
}

export function parseReply(line: string): ProbeReply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new LabError(
      "REUSELAB_PROBE_PROTOCOL",
      `the probe wrote a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`,
    );
  }
  if (typeof value !== "object" || value === null) {
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `the probe wrote ${JSON.stringify(line)}, not a JSON object`);
  }
  const r = value as Record<string, unknown>;
  if (typeof r.seq !== "number" || typeof r.cmd !== "string") {
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `the probe's reply has no seq/cmd: ${line}`);
  }
  if (r.error === undefined && (typeof r.ret !== "number" || !(r.errno === null || typeof r.errno === "string"))) {
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `the probe's reply has neither error nor ret/errno: ${line}`);
  }
  return r as ProbeReply;
}

/** "bind s 0.0.0.0 8080 = -1 EADDRINUSE", the strace-like line a step's trace keeps. */
export function traceLine(words: readonly string[], reply: ProbeReply): string {
  const call = words.join(" ");
  if (reply.error !== undefined) return `${call} = refused by the probe: ${reply.error}`;
  return `${call} = ${reply.ret}${reply.errno ? ` ${reply.errno}` : ""}`;
}
