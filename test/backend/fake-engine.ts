/**
 * A Docker engine that stops answering, for tests: a unix socket server that reads HTTP requests,
 * answers the ones `answer` gives a body for, and holds every other one open without a word, as a stuck
 * dockerd does. Each held request is announced (`held()`), so a test acts on it, not on a clock.
 */
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";

/** `call` is "GET /containers/json" (no query, no API version); `held` how many calls were held so far. */
export type Answer = (call: string, held: number) => unknown;

export interface FakeEngine {
  /** DOCKER_HOST for the lab: unix://… */
  host: string;
  /** Every call received, in order. */
  calls: string[];
  /** The next call held (or one already held and not yet taken). */
  held(): Promise<string>;
  close(): void;
}

/** What the docker CLI (the bootstrap's `docker version`) and a ping need to see an engine. */
export function answersPing(call: string): unknown {
  if (call.endsWith(" /_ping")) return "OK";
  if (call === "GET /version")
    return { Version: "0.0.0-fake", ApiVersion: "1.41", MinAPIVersion: "1.12", Os: "linux", Arch: "amd64" };
  return undefined;
}

export async function fakeEngine(dir: string, answer: Answer): Promise<FakeEngine> {
  const path = join(dir, "docker.sock");
  const calls: string[] = [];
  const heldCalls: string[] = [];
  const waiting: ((call: string) => void)[] = [];
  const sockets = new Set<Socket>();
  let taken = 0;
  const hold = (call: string) => {
    heldCalls.push(call);
    const next = waiting.shift();
    if (next) next(heldCalls[taken++]!);
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let holding = false;
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (!holding) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [line = "", ...headers] = buffered.subarray(0, end).toString("latin1").split("\r\n");
        const length = Number(/^content-length:\s*(\d+)/im.exec(headers.join("\n"))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        const [method = "", target = ""] = line.split(" ");
        const call = `${method} ${target.replace(/\?.*$/, "").replace(/^\/v\d+\.\d+\//, "/")}`;
        calls.push(call);
        const body = answer(call, heldCalls.length);
        if (body === undefined) {
          holding = true; // nothing more is read on this connection: the engine is stuck on it
          hold(call);
          return;
        }
        const text = typeof body === "string" ? body : JSON.stringify(body);
        const type = typeof body === "string" ? "text/plain" : "application/json";
        socket.write(
          `HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${method === "HEAD" ? "" : text}`,
        );
      }
    });
  });
  server.listen(path);
  await once(server, "listening");
  return {
    host: `unix://${path}`,
    calls,
    held: () => (taken < heldCalls.length ? Promise.resolve(heldCalls[taken++]!) : new Promise((r) => waiting.push(r))),
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
