/**
 * The seed's performance claims against what this machine measured. Three verdicts, each with its
 * reason in numbers:
 *
 *   confirmed       the measured figure reaches the claim (within 10%);
 *   not reproduced  it does not, but this machine cannot show the claim: fewer cores than the
 *                   claim's 4 workers plus the load generators that share them, a worker count that
 *                   was not run, no loss to eliminate, too few samples to resolve ±3%;
 *   refuted         it does not, on a machine that could have shown it.
 */
import { BENCH_CLAIMS, CLAIM_WORKERS, type BenchClaim } from "./bench-claims";
import type {
  BalanceRow,
  BenchClaimResult,
  BenchSettings,
  BenchVerdict,
  TcpPoint,
  UdpPoint,
} from "../report/bench-results";
import { chanceDeviationPct, samplesForDeviation } from "./balance";
import { FAIR_P } from "../verdict/fairness";

const TOLERANCE = 0.9;
/** Loss this small is "0%" (the claim's "Eliminated"); a single socket must lose at least LOSS_FLOOR for there to be loss to eliminate. */
const NO_LOSS_PCT = 0.1;
const LOSS_FLOOR_PCT = 1;
/** Two offered loads within 10% of each other are "the same load". */
const SAME_LOAD = 0.1;
const IMBALANCE_PCT = 3;

export interface Judgement {
  verdict: BenchVerdict;
  reason: string;
}

export interface Measured {
  cores: number;
  loadAverage: number;
  settings: BenchSettings;
  tcp: readonly TcpPoint[];
  udp: readonly UdpPoint[];
  /** Every N at one offered load. */
  udpLoss: readonly UdpPoint[];
  balance: readonly BalanceRow[];
}

export function judgeClaims(m: Measured): BenchClaimResult[] {
  const c = BENCH_CLAIMS;
  const tcpRatio = ratios(m.tcp, (p) => p.ratio);
  const p99 = new Map(m.tcp.filter((p) => p.latencyUs.p99).map((p) => [p.workers, p.latencyUs.p99!]));
  const p99Ratio = new Map([...p99].filter(() => p99.has(1)).map(([n, v]) => [n, p99.get(1)! / v]));
  const machine = { cores: m.cores, loadAverage: m.loadAverage };
  const busyAtOne = (ps: readonly (TcpPoint | UdpPoint)[]) => ps.find((p) => p.workers === 1)?.cpuBusyPct;
  return [
    result(
      c.tcpConnections,
      judgeScaling({
        claimed: 3.75,
        what: "connections/s",
        ratios: tcpRatio,
        ...machine,
        loadGenerators: m.settings.tcpClients,
        busyAtOne: busyAtOne(m.tcp),
      }),
    ),
    result(
      c.p99Latency,
      judgeScaling({
        claimed: 50 / 12,
        what: "lower p99 latency",
        ratios: p99Ratio,
        ...machine,
        loadGenerators: m.settings.tcpClients,
        busyAtOne: busyAtOne(m.tcp),
      }),
    ),
    result(
      c.udpThroughput,
      judgeScaling({
        claimed: 5,
        what: "datagrams/s received",
        ratios: ratios(m.udp, (p) => p.ratio),
        ...machine,
        loadGenerators: m.settings.udpSenders,
        busyAtOne: busyAtOne(m.udp),
      }),
    ),
    result(c.udpLoss, judgeLoss(m.udpLoss, m.cores, m.settings.udpSenders)),
    result(c.workerImbalance, judgeImbalance(m.balance)),
  ];
}

function result(claim: BenchClaim, j: Judgement): BenchClaimResult {
  return { id: claim.id, quote: claim.quote, section: claim.section, seedLine: claim.line, ...j };
}

function ratios<P extends { workers: number }>(
  points: readonly P[],
  ratio: (p: P) => number | undefined,
): Map<number, number> {
  return new Map(points.flatMap((p) => (ratio(p) === undefined ? [] : [[p.workers, ratio(p)!] as const])));
}

export interface ScalingInput {
  /** The factor the seed claims for CLAIM_WORKERS workers over one. */
  claimed: number;
  what: string;
  /** Measured factor over N = 1, by N. */
  ratios: ReadonlyMap<number, number>;
  cores: number;
  loadAverage: number;
  /** Processes generating the load on the same machine (they need cores too). */
  loadGenerators: number;
  /** How busy the CPUs were with one worker. */
  busyAtOne?: number;
}

export function judgeScaling(s: ScalingInput): Judgement {
  const r = s.ratios.get(CLAIM_WORKERS);
  if (r === undefined)
    return {
      verdict: "not reproduced",
      reason: `no run with both 1 and ${CLAIM_WORKERS} workers (--n) to compare ${s.what}`,
    };
  const measured = `${s.what}: ${CLAIM_WORKERS} workers ${x(r)}${others(s.ratios)} (claimed ${x(s.claimed)})`;
  const needed = CLAIM_WORKERS + s.loadGenerators;
  if (s.cores >= CLAIM_WORKERS && r >= s.claimed * TOLERANCE)
    return { verdict: "confirmed", reason: `${measured} on ${s.cores} cores` };
  if (s.cores < needed)
    return {
      verdict: "not reproduced",
      reason: `${measured}. Only ${s.cores} cores for ${CLAIM_WORKERS} workers and ${s.loadGenerators} load generators; ${fewCoresWhy(s, r)}`,
    };
  return { verdict: "refuted", reason: `${measured} on ${s.cores} cores` };
}

/** Why a ratio on too few cores says little about the claim, in the terms of what was measured. */
function fewCoresWhy(s: ScalingInput, r: number): string {
  const context = [
    s.busyAtOne !== undefined && s.busyAtOne >= 80 ? `CPUs ${s.busyAtOne}% busy at N=1` : "",
    s.loadAverage > s.cores ? `load average ${s.loadAverage}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const inParens = context ? ` (${context})` : "";
  const others = s.loadAverage > s.cores ? " and the machine's other work" : "";
  if (r > s.cores)
    return `above ${s.cores}x the gain is N processes taking N shares of CPU time from the load generators${others}${inParens}, not parallel work`;
  if (r < 1.2) return `no gain: an added worker found no idle core${inParens}`;
  return `the gain is capped by ${s.cores} cores that the load generators${others} share${inParens}`;
}

/** The seed's loss claim: one socket loses (15%), a group of CLAIM_WORKERS loses nothing, at the same load. */
export function judgeLoss(points: readonly UdpPoint[], cores: number, senders: number): Judgement {
  const one = points.find((p) => p.workers === 1);
  const group = points.find((p) => p.workers === CLAIM_WORKERS);
  if (!one || !group)
    return { verdict: "not reproduced", reason: `no run with both 1 and ${CLAIM_WORKERS} workers (--n)` };
  const measured = `loss: 1 socket ${one.lossPct}% of ${rate(one.offeredPerSec)} offered, ${CLAIM_WORKERS} sockets ${group.lossPct}% of ${rate(group.offeredPerSec)} (claimed 15% -> 0%)`;
  if (one.lossPct < LOSS_FLOOR_PCT)
    return {
      verdict: "not reproduced",
      reason: `${measured}. One socket kept up with all these senders could offer: no loss to eliminate`,
    };
  if (Math.abs(group.offeredPerSec - one.offeredPerSec) > SAME_LOAD * one.offeredPerSec) {
    return {
      verdict: "not reproduced",
      reason: `${measured}. Not at one offered load, as the claim compares: the senders did not keep to the rate, sharing the cores with the workers (a lower --loss-rate may)`,
    };
  }
  if (group.lossPct <= NO_LOSS_PCT) return { verdict: "confirmed", reason: measured };
  if (cores < CLAIM_WORKERS + senders) {
    return {
      verdict: "not reproduced",
      reason: `${measured}. Only ${cores} cores for ${CLAIM_WORKERS} workers and ${senders} senders`,
    };
  }
  return { verdict: "refuted", reason: `${measured}, on ${cores} cores` };
}

/** The seed's "±3%": judged on the TCP spread of the most workers measured. */
export function judgeImbalance(rows: readonly BalanceRow[]): Judgement {
  const row = rows.filter((r) => r.what === "tcp connections").sort((a, b) => b.workers - a.workers)[0];
  if (!row) return { verdict: "not reproduced", reason: "no TCP run with 2 or more workers (--n)" };
  const f = row.fairness;
  const measured = `${row.workers} workers, ${row.samples} connections: shares ${row.sharesPct.join("/")}%, max deviation ±${f.maxDeviationPct}% (claimed ±${IMBALANCE_PCT}%)`;
  if (f.maxDeviationPct <= IMBALANCE_PCT) return { verdict: "confirmed", reason: measured };
  if (f.pValue < FAIR_P)
    return {
      verdict: "refuted",
      reason: `${measured}. Chi-square ${f.chiSquare} rejects an even spread (p=${f.pValue})`,
    };
  const chance = chanceDeviationPct(row.workers, row.samples);
  const needed = samplesForDeviation(row.workers, IMBALANCE_PCT);
  const why =
    row.samples < needed
      ? `An even random spread of this many deviates up to ±${chance.toFixed(1)}% by chance (chi-square p=${f.pValue}); ±${IMBALANCE_PCT}% needs about ${needed} connections`
      : `More than chance usually gives (±${chance.toFixed(1)}%), but chi-square does not reject an even spread (p=${f.pValue})`;
  return { verdict: "not reproduced", reason: `${measured}. ${why}` };
}

function x(r: number): string {
  return `${r.toFixed(2)}x`;
}

function others(rs: ReadonlyMap<number, number>): string {
  return [...rs]
    .filter(([n]) => n !== 1 && n !== CLAIM_WORKERS)
    .map(([n, r]) => `, ${n} workers ${x(r)}`)
    .join("");
}

function rate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)}M/s` : `${Math.round(perSec / 1000)}k/s`;
}
