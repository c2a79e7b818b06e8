/**
 * The probe's commands (images/probe/cmd_*.c), typed: each command's number of words after its name
 * and the fields its reply adds to seq/cmd/ret/errno. test/probe/command-table.test.ts reads the C
 * tables and reply writers and fails when the two sides differ. A field is absent when the command
 * failed before writing it, so every field is optional to a reader.
 */
import { LabError } from "../errors";
import type { ProbeReply } from "./protocol";

/** int: reply_int; str: reply_str; object: reply_open (a flat object of ints); str-or-null: both reply_str and reply_null. */
export type FieldType = "int" | "str" | "null" | "object" | "str-or-null" | "mixed";

interface CommandSpec {
  /** Words after the command's name: at least, at most. */
  args: readonly [number, number];
  reply: Readonly<Record<string, FieldType>>;
}

export const PROBE_COMMANDS = {
  // cmd_socket.c
  socket: { args: [3, 3], reply: {} },
  setsockopt: { args: [3, 4], reply: {} },
  getsockopt: { args: [2, 2], reply: { value: "int" } },
  bind: { args: [3, 3], reply: {} },
  listen: { args: [1, 2], reply: {} },
  getsockname: { args: [1, 1], reply: { addr: "str", port: "int" } },
  shutdown: { args: [2, 2], reply: {} },
  disconnect: { args: [1, 1], reply: {} },
  close: { args: [1, 1], reply: { closed_connections: "int" } },
  // cmd_stream.c
  connect: { args: [3, 4], reply: {} },
  accept: { args: [2, 3], reply: { accepted: "int", held: "int" } },
  tcpstates: { args: [1, 1], reply: { states: "object", timers_ms: "object" } },
  connectn: { args: [6, 6], reply: { connected: "int", failed: "int", first_errno: "str" } },
  closeaccepted: { args: [1, 1], reply: { closed: "int" } },
  closelistener: { args: [1, 1], reply: { kept: "int" } },
  // cmd_dgram.c
  send: { args: [4, 4], reply: { sent: "int" } },
  sendvary: { args: [4, 4], reply: { sent: "int" } },
  recv: { args: [3, 4], reply: { received: "int", total: "int" } },
  // cmd_ledger.c
  ledger: {
    args: [0, 1],
    reply: {
      udp_out: "int",
      udp_in: "int",
      udp_noports: "int",
      udp_errors: "int",
      cookies_open: "int",
      tcp_opening: "int",
    },
  },
  // cmd_process.c
  hello: {
    args: [0, 0],
    reply: {
      version: "int",
      pid: "int",
      uid: "int",
      euid: "int",
      gid: "int",
      caps: "int",
      bounding: "int",
      release: "str",
    },
  },
  sleep: { args: [1, 1], reply: {} },
  setuid: { args: [1, 1], reply: { uid: "int" } },
  "pin-cpu": { args: [1, 1], reply: { cpu: "int" } },
  sysctl: { args: [1, 1], reply: { value: "str" } },
  crash: { args: [0, 0], reply: {} },
  exit: { args: [0, 1], reply: {} },
  recycle: { args: [0, 1], reply: {} },
  // cmd_service.c
  dnsq: {
    args: [4, 5],
    reply: {
      sent: "int",
      flows: "int",
      answered: "int",
      noerror: "int",
      rcodes: "object",
      stray: "int",
      from: "str-or-null",
    },
  },
  httpget: { args: [4, 4], reply: { tries: "int", ok: "int", failed: "int", status: "object", errors: "object" } },
  httploop: { args: [4, 4], reply: { tries: "int", ok: "int", failed: "int", status: "object", errors: "object" } },
  // cmd_payload.c
  udpq: { args: [6, 6], reply: { sent: "int", answered: "int", good: "int" } },
  tcpq: {
    args: [6, 6],
    reply: { sent: "int", connected: "int", answered: "int", good: "int", rcodes: "object", errors: "object" },
  },
  // cmd_bench_tcp.c
  "tcp-serve": { args: [2, 2], reply: { accepted: "int", write_errors: "int", ended_by: "str", elapsed_us: "int" } },
  "tcp-load": {
    args: [5, 5],
    reply: {
      started: "int",
      completed: "int",
      failed: "int",
      timed_out: "int",
      first_errno: "str",
      start_us: "int",
      end_us: "int",
      hist: "object",
      lat_min_us: "int",
      lat_max_us: "int",
    },
  },
  // cmd_bench_udp.c
  "udp-serve": {
    args: [3, 3],
    reply: { received: "int", drops: "int", first_us: "int", last_us: "int", ended_by: "str" },
  },
  "udp-load": {
    args: [7, 7],
    reply: { sent: "int", send_errors: "int", first_errno: "str", start_us: "int", end_us: "int" },
  },
  "udp-counters": { args: [0, 0], reply: { udp: "object", rx_dropped: "object" } },
  stop: { args: [0, 0], reply: {} },
} as const satisfies Record<string, CommandSpec>;

export type ProbeCommand = keyof typeof PROBE_COMMANDS;

type ValueOf<F extends FieldType> = F extends "int"
  ? number
  : F extends "str"
    ? string
    : F extends "object"
      ? Record<string, number>
      : F extends "str-or-null"
        ? string | null
        : F extends "null"
          ? null
          : unknown;

/** The fields a command's reply may carry, typed. */
export type ReplyFields<C extends ProbeCommand> = {
  -readonly [K in keyof (typeof PROBE_COMMANDS)[C]["reply"]]?: ValueOf<
    (typeof PROBE_COMMANDS)[C]["reply"][K] & FieldType
  >;
};

function holds(type: FieldType, v: unknown): boolean {
  switch (type) {
    case "int":
      return typeof v === "number";
    case "str":
      return typeof v === "string";
    case "null":
      return v === null;
    case "str-or-null":
      return v === null || typeof v === "string";
    case "object":
      return typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "number");
    case "mixed":
      return true;
  }
}

/**
 * The typed fields of a reply to `cmd`; none for no reply (the call never ran). A field of the wrong
 * type is the probe and the engine disagreeing on the protocol, said as such.
 */
export function replyFields<C extends ProbeCommand>(cmd: C, reply: ProbeReply | undefined): ReplyFields<C> {
  if (!reply) return {};
  if (reply.cmd !== cmd)
    throw new LabError("REUSELAB_PROBE_PROTOCOL", `expected the probe's reply to '${cmd}', got one to '${reply.cmd}'`);
  const spec: Readonly<Record<string, FieldType>> = PROBE_COMMANDS[cmd].reply;
  const out: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(spec)) {
    const v = reply[key];
    if (v === undefined) continue;
    if (!holds(type, v))
      throw new LabError(
        "REUSELAB_PROBE_PROTOCOL",
        `the probe's reply to '${cmd}' has ${key}=${JSON.stringify(v)}, not ${type === "object" ? "an object of numbers" : `a ${type}`}`,
      );
    out[key] = v;
  }
  return out as ReplyFields<C>;
}

/** A command line for the probe, with its arity checked against the table (a wrong count is a bug here, not in a case). */
export function probeCall<C extends ProbeCommand>(cmd: C, ...args: string[]): string[] {
  const [min, max] = PROBE_COMMANDS[cmd].args;
  if (args.length < min || args.length > max)
    throw new Error(
      `probe command '${cmd}' takes ${min === max ? min : `${min} to ${max}`} words, not ${args.length}: ${[cmd, ...args].join(" ")}`,
    );
  return [cmd, ...args];
}
