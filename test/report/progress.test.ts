// The progress line on a stand-in terminal: what it shows (done/total, the session's time, each run in
// flight with its time), where logged lines go, its cut to the terminal's width, and that it is gone
// after the session. Nothing waits for a redraw: the line is drawn when the session ends (its last
// update), and what was written is read back without the terminal's escape sequences.
import test from "ava";
import { Writable } from "node:stream";
import type { LabEvent } from "../../lab/events/events";
import { ProgressLine } from "../../lab/report/progress";

/** A terminal `columns` wide that keeps what is written to it. */
function terminal(columns?: number): { stream: NodeJS.WriteStream; text: () => string } {
  let written = "";
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => ((written += chunk.toString()), done()),
  }) as unknown as NodeJS.WriteStream & { columns?: number };
  Object.assign(stream, { isTTY: true, columns });
  // A move to a column (CSI … G) and a carriage return start a line again; other escape sequences go.
  const text = () =>
    written
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*G|\r/g, "\n")
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  return { stream, text };
}

const run = (id: string) => ({ id }) as never;
const started = (ids: string[]) => ({ type: "session-started", runs: ids.map(run) }) as unknown as LabEvent;
const event = (type: string, id?: string) => ({ type, ...(id ? { run: run(id) } : {}) }) as unknown as LabEvent;

/** The last progress line drawn. */
const lastLine = (text: string) =>
  text
    .split("\n")
    .filter((l) => / runs \d+\.\d s/.test(l))
    .at(-1);

/** Runs `body` with Date.now() returning what `at(ms)` last set. */
function onClock(body: (at: (ms: number) => void) => void): void {
  const real = Date.now;
  let now = 0;
  Date.now = () => now;
  try {
    body((ms) => (now = ms));
  } finally {
    Date.now = real;
  }
}

test("the line: runs done of the total, the session's time, each run in flight with its time; a finished run leaves it", (t) => {
  // Session at 1 s, a at 1.2 s, b at 1.5 s; drawn at 4 s. 30 columns: the line's 29 characters fit.
  const term = terminal(30);
  onClock((at) => {
    const p = new ProgressLine(term.stream);
    at(1000);
    p.onEvent(started(["a@host", "b@host", "c@host"]));
    at(1200);
    p.onEvent(event("run-started", "a@host"));
    at(1500);
    p.onEvent(event("run-started", "b@host"));
    p.onEvent(event("run-finished", "a@host"));
    at(4000);
    p.onEvent(event("session-finished"));
  });
  t.is(lastLine(term.text()), "1/3 runs 3.0 s | b@host 2.5 s", term.text());
});

test("a run that finishes with no session shown changes nothing", (t) => {
  const term = terminal(80);
  const p = new ProgressLine(term.stream);
  t.notThrows(() => p.onEvent(event("run-finished", "a@host")));
  t.is(term.text(), "");
});

test("no run in flight: no '|' part; a second session starts from nothing", (t) => {
  const term = terminal(200);
  const p = new ProgressLine(term.stream);
  p.onEvent(started(["a@host"]));
  p.onEvent(event("run-started", "a@host"));
  p.onEvent(started(["x@5.10", "y@5.10"]));
  p.onEvent(event("run-started", "x@5.10"));
  p.onEvent(event("run-finished", "x@5.10"));
  p.onEvent(event("step-finished", "y@5.10"));
  p.onEvent(event("session-finished"));
  t.regex(lastLine(term.text()) ?? "", /^1\/2 runs \d+\.\d s$/, term.text());
});

test("logged lines go above the line while it is shown, and straight out before and after", (t) => {
  const term = terminal(200);
  const p = new ProgressLine(term.stream);
  p.log("before\n");
  t.is(term.text(), "before\n");
  p.onEvent(started(["a@host"]));
  p.log("during\n");
  t.false(term.text().includes("during"), "kept until the line is drawn again, then written above it");
  p.onEvent(event("session-finished"));
  const during = term.text();
  t.true(during.includes("during\n"), during);
  t.true(during.indexOf("during") < during.lastIndexOf("0/1 runs"), `logged above the line: ${during}`);
  p.log("after\n");
  t.true(term.text().endsWith("after\n"), term.text());
});

test("cut to the terminal's width less one, with an ellipsis; never narrower than 20; 80 columns when unknown", async (t) => {
  const ids = ["hijack/udp-specific-address-steals-unicast.v4@host", "hijack/udp-victim-with-both-options.v6@host"];
  for (const [columns, width] of [
    [40, 39],
    [5, 20],
    [undefined, 79],
  ] as const) {
    const term = terminal(columns);
    const p = new ProgressLine(term.stream);
    p.onEvent(started(ids));
    for (const id of ids) p.onEvent(event("run-started", id));
    await p.close();
    const line = lastLine(term.text()) ?? "";
    t.is(line.length, width, `${String(columns)} columns: ${JSON.stringify(line)}`);
    t.true(line.endsWith("…"), line);
    t.true(line.startsWith("0/2 runs "), line);
  }
});

test("close() with no session, or twice, is harmless", async (t) => {
  const term = terminal(80);
  const p = new ProgressLine(term.stream);
  await p.close();
  p.onEvent(started(["a@host"]));
  await p.close();
  await p.close();
  t.regex(lastLine(term.text()) ?? "", /^0\/1 runs/);
});
