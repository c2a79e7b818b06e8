/**
 * The bench on a console: the machine, a table per measurement (each N, its ratio to N = 1), the
 * balance of each reuseport group, and a verdict per claim of the seed guide with its reason.
 * Colour only when asked (a terminal); the text is the same without it.
 */
import Table from "cli-table3";
import picocolors from "picocolors";
import type { BenchResults, BenchVerdict } from "../report/bench-results";

type Colors = ReturnType<typeof picocolors.createColors>;

export interface FormatOptions {
  color?: boolean;
  /** Wraps the claims' reasons to fit this width (default 110). */
  width?: number;
}

export function formatBench(r: BenchResults, options: FormatOptions = {}): string {
  const c = picocolors.createColors(options.color ?? false);
  const m = r.machine;
  const s = r.settings;
  const out = [
    c.bold(
      `reuselab bench: ${m.backend} backend, kernel ${m.kernel}, ${m.cores} cores (os.cpus().length; ${m.cpuModel}), load average ${m.loadAverage} at the start`,
    ),
    `  ${s.durationMs} ms per measurement; ${s.tcpClients} TCP clients x ${s.tcpConcurrency} connections in flight; ${s.udpSenders} UDP senders x ${s.udpSockets} source ports, ${s.udpSize}-byte datagrams, ${s.udpRate ? `${s.udpRate}/s each` : "unpaced"}; everything on these ${m.cores} cores`,
    "",
    c.bold("TCP: new connections per second; N=1 one plain listener, N>1 SO_REUSEPORT listeners, one process each"),
    table(
      [
        "N",
        "conn/s",
        "vs N=1",
        "p50 ms",
        "p99 ms",
        "completed",
        "failed",
        "timed out",
        "accepted per worker",
        "CPU busy",
      ],
      r.tcp.map((p) => [
        p.workers,
        int(p.connectionsPerSec),
        ratio(p.ratio),
        ms(p.latencyUs.p50),
        ms(p.latencyUs.p99),
        int(p.completed),
        p.failed ? `${int(p.failed)} ${p.firstErrno ?? ""}`.trim() : "0",
        int(p.timedOut),
        p.accepted.map(int).join(" "),
        pct(p.cpuBusyPct),
      ]),
    ),
    "  latency: connect() to the reply byte the worker writes after accept(), on the client's clock (handshake, accept queue, accept, write)",
    "",
    c.bold("UDP: datagrams per second received; N=1 one plain socket, N>1 SO_REUSEPORT sockets, one process each"),
    udpTable(r.udp, c),
    `  the senders ${s.udpRate ? `at ${int(s.udpRate)}/s each` : "as fast as they can"}, in the workers' namespace (loopback)`,
    "",
    c.bold(`UDP loss at one offered load for every N: the senders paced to ${int(r.lossRatePerSec)}/s together`),
    udpTable(r.udpLoss, c),
    "  sent = received + socket drops + dropped before a socket + unaccounted; each but the last is a kernel counter (SO_MEMINFO drops; lo rx_dropped and udp NoPorts)",
    "",
    c.bold("Balance: each worker's share of many short connections / datagrams from many source ports"),
    r.balance.length
      ? table(
          ["load", "N", "samples", "shares", "max deviation", "chi-square", "p"],
          r.balance.map((b) => [
            b.what,
            b.workers,
            int(b.samples),
            b.sharesPct.map((x) => `${x}%`).join(" "),
            `±${b.fairness.maxDeviationPct}%`,
            b.fairness.chiSquare,
            b.fairness.pValue,
          ]),
        )
      : "  (no run with 2 or more workers)",
    "",
    c.bold(`The seed guide's performance claims on this machine (${m.cores} cores)`),
    claimsTable(r, c, options.width ?? 110),
  ];
  return `${out.join("\n")}\n`;
}

function claimsTable(r: BenchResults, c: Colors, width: number): string {
  const paint: Record<BenchVerdict, (s: string) => string> = {
    confirmed: c.green,
    "not reproduced": c.yellow,
    refuted: c.red,
  };
  const t = new Table({
    head: ["verdict", "seed claim (line)", "measured, and why"],
    colWidths: [16, 28, Math.max(40, width - 16 - 28 - 4)],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const cl of r.claims)
    t.push([paint[cl.verdict](cl.verdict.toUpperCase()), `${cl.quote} (line ${cl.seedLine})`, cl.reason]);
  return t.toString();
}

function udpTable(points: BenchResults["udp"], c: Colors): string {
  return table(
    [
      "N",
      "offered/s",
      "received/s",
      "vs N=1",
      "loss",
      "sent",
      "received",
      "socket drops",
      "before a socket",
      "unaccounted",
      "CPU busy",
    ],
    points.map((p) => [
      p.workers,
      int(p.offeredPerSec),
      int(p.receivedPerSec),
      ratio(p.ratio),
      `${p.lossPct}%`,
      int(p.sent),
      int(p.received),
      int(p.lost.socketDrops),
      int(p.lost.backlogDrops + p.lost.noSocket),
      p.lost.unaccounted === 0 ? "0" : c.red(int(p.lost.unaccounted)),
      pct(p.cpuBusyPct),
    ]),
  );
}

function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const row of rows) t.push(row.map(String));
  return t.toString();
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (r?: number) => (r === undefined ? "-" : `${r.toFixed(2)}x`);
const ms = (us?: number) => (us === undefined ? "-" : (us / 1000).toFixed(us < 10_000 ? 2 : 1));
const pct = (p: number) => (Number.isNaN(p) ? "-" : `${p}%`);
