/**
 * The kernel's own accounting of one run's lab, so that a counting step (recv, accept) need not wait out
 * a timer to prove that nothing more comes. Each of the lab's network namespaces is read by a probe in
 * it (probe `ledger`, images/probe/cmd_ledger.c); the run's baseline is read before its first step,
 * since namespaces serve many runs.
 *
 * UDP settles when every datagram sent in the run (OutDatagrams) was read by a socket (InDatagrams,
 * which Linux counts at recvmsg), found no socket (NoPorts) or was dropped (InErrors), summed over the
 * namespaces: then none is on its way and none waits unread in any queue. A run that sends to a
 * multicast group (one datagram, many arrivals) never settles this way.
 *
 * TCP settles when no socket of the lab is in a handshake (SYN_SENT, SYN_RECV: request sockets too)
 * and every SYN cookie sent came back, twice in a row: a handshake moves from the client's namespace
 * to the server's, so one reading of each, one after the other, could miss it in between; a second
 * round that finds none either sees every connection that was under way finished, in its listener's
 * queue. Whatever the accounting cannot show (a namespace with no probe left, a datagram lost on the
 * way, a cookie never answered) leaves the step on its timer, as before.
 */
import type { StartedLab } from "../backend/backend";
import type { CaseVariant } from "../case/case";
import { debugLog } from "../debug-log";
import { replyFields } from "../probe/commands";
import { fansOut } from "../steps";
import type { Proto, Settle } from "../steps/settle";

interface Reading {
  udpOut: number;
  udpIn: number;
  udpNoPorts: number;
  udpErrors: number;
  cookiesOpen: number;
  /** Sockets in a handshake; read with "ledger states" only. */
  tcpOpening?: number;
}

const CALL_TIMEOUT_MS = 5000;

export class Ledger {
  private constructor(
    private readonly lab: StartedLab,
    /** Each namespace's actors, any of which can read it. */
    private readonly places: readonly (readonly string[])[],
    /** False when the run sends to a multicast group: UDP never settles then. */
    private readonly udpFollows: boolean,
  ) {}

  /** Each namespace's reading before the run's first step. */
  private baseline: readonly Reading[] = [];

  /** The run's ledger, its baseline read now (before the first step); undefined when a namespace cannot be read. */
  static async open(lab: StartedLab, variant: CaseVariant): Promise<Ledger | undefined> {
    const places = variant.namespaces.map((n) => variant.actors.filter((a) => a.netns === n.name).map((a) => a.name));
    const steps = variant.steps.flatMap((s) => (s.members ? s.members.map((m) => m.step) : [s.step]));
    const ledger = new Ledger(lab, places, !steps.some(fansOut));
    const baseline = await ledger.readAll(false);
    if (!baseline) return undefined;
    ledger.baseline = baseline;
    return ledger;
  }

  /** For a step: whether nothing more of `proto` can arrive anywhere in the lab. */
  readonly settle: Settle = async (proto: Proto) => {
    if (proto === "udp") return this.udpFollows && this.udpSettled(await this.readAll(false));
    for (let round = 0; round < 2; round++) if (!this.tcpSettled(await this.readAll(true))) return false;
    return true;
  };

  private udpSettled(now: readonly Reading[] | undefined): boolean {
    if (!now) return false;
    const d = (f: (r: Reading) => number) => now.reduce((sum, r, i) => sum + f(r) - f(this.baseline[i]!), 0);
    const sent = d((r) => r.udpOut);
    const ended = d((r) => r.udpIn) + d((r) => r.udpNoPorts) + d((r) => r.udpErrors);
    if (sent !== ended) debugLog("run/ledger", `udp: ${sent} sent in the run, ${ended} read, refused or dropped`);
    return sent === ended;
  }

  private tcpSettled(now: readonly Reading[] | undefined): boolean {
    if (!now) return false;
    const opening = now.reduce((sum, r) => sum + (r.tcpOpening ?? 1), 0);
    const cookies = now.reduce((sum, r, i) => sum + r.cookiesOpen - this.baseline[i]!.cookiesOpen, 0);
    if (opening || cookies)
      debugLog("run/ledger", `tcp: ${opening} socket(s) in a handshake, ${cookies} SYN cookie(s) unanswered`);
    return opening === 0 && cookies === 0;
  }

  /** Every namespace's reading, in order; undefined when one of them could not be read. */
  private async readAll(states: boolean): Promise<Reading[] | undefined> {
    const all: Reading[] = [];
    for (const actors of this.places) {
      const r = await this.read(actors, states);
      if (!r) return undefined;
      all.push(r);
    }
    return all;
  }

  /** One namespace's reading, by the first of its actors whose probe answers. */
  private async read(actors: readonly string[], states: boolean): Promise<Reading | undefined> {
    for (const name of actors) {
      try {
        const reply = await this.lab.actor(name).call(["ledger", ...(states ? ["states"] : [])], CALL_TIMEOUT_MS);
        const f = replyFields("ledger", reply);
        const counters = [f.udp_out, f.udp_in, f.udp_noports, f.udp_errors, f.cookies_open];
        if (
          reply.error !== undefined ||
          counters.some((v) => v === undefined) ||
          (states && f.tcp_opening === undefined)
        ) {
          debugLog("run/ledger", `${name}: ledger: ${reply.error ?? "a field is missing"}`);
          continue;
        }
        return {
          udpOut: f.udp_out!,
          udpIn: f.udp_in!,
          udpNoPorts: f.udp_noports!,
          udpErrors: f.udp_errors!,
          cookiesOpen: f.cookies_open!,
          ...(states ? { tcpOpening: f.tcp_opening! } : {}),
        };
      } catch (e) {
        debugLog("run/ledger", e);
      }
    }
    return undefined;
  }
}
