import type Docker from "dockerode";

/**
 * The lines a container wrote, stdout and stderr together. Without a TTY the engine frames them:
 * each frame is an 8-byte header (stream type, 3 zero bytes, big-endian length) and the payload.
 */
export async function readContainerLog(container: Docker.Container): Promise<string[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
  return demux(raw)
    .split("\n")
    .filter((l) => l.length > 0);
}

export function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}
