/**
 * Reads the hijack demo's story out of its services' logs (the lines images/probe/demo_*.c write):
 *
 *   victim: uid 1000 bound udp 0.0.0.0:5353 with SO_REUSEADDR; answering each request with my name
 *   attacker: answered request 3 from 10.214.7.2:40211 (3 so far)
 *   client: request 3/10 answered by attacker
 *   client: request 4/10 unanswered after 500 ms
 *   client: done: 10 of 10 requests answered
 */

export interface ClientTally {
  uid?: number;
  /** Requests the client sent (answered or not). */
  sent: number;
  /** Answers by the name of the service that gave them. */
  answeredBy: Record<string, number>;
  unanswered: number;
  /** The client logged its last line: it was not cut short. */
  finished: boolean;
}

export interface ServerTally {
  uid?: number;
  /** "10.214.7.10:5353", as the service bound it; undefined if its bind failed. */
  bound?: string;
  reuseaddr: boolean;
  answered: number;
}

const CLIENT_UID = /^client: uid (\d+) sends /;
const ANSWERED = /^client: request \d+\/\d+ answered by (\S+)$/;
const UNANSWERED = /^client: request \d+\/\d+ unanswered\b/;
const DONE = /^client: done: /;

export function tallyClient(lines: readonly string[]): ClientTally {
  const tally: ClientTally = { sent: 0, answeredBy: {}, unanswered: 0, finished: false };
  for (const line of lines) {
    const answered = ANSWERED.exec(line);
    const uid = CLIENT_UID.exec(line);
    if (uid) {
      tally.uid = Number(uid[1]);
    } else if (answered) {
      const who = answered[1]!;
      tally.answeredBy[who] = (tally.answeredBy[who] ?? 0) + 1;
      tally.sent++;
    } else if (UNANSWERED.test(line)) {
      tally.unanswered++;
      tally.sent++;
    } else if (DONE.test(line)) {
      tally.finished = true;
    }
  }
  return tally;
}

export function tallyServer(name: string, lines: readonly string[]): ServerTally {
  const tally: ServerTally = { reuseaddr: false, answered: 0 };
  const bound = new RegExp(`^${name}: uid (\\d+) bound udp (\\S+?)( with SO_REUSEADDR)?;`);
  const answered = new RegExp(`^${name}: answered request `);
  for (const line of lines) {
    const b = bound.exec(line);
    if (b) {
      tally.uid = Number(b[1]);
      tally.bound = b[2];
      tally.reuseaddr = Boolean(b[3]);
    } else if (answered.test(line)) {
      tally.answered++;
    }
  }
  return tally;
}
