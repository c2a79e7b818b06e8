// What the console may do on a stream (lab/report/terminal.ts): colour and redrawing only on a terminal
// that can take them, NO_COLOR and FORCE_COLOR as the conventions define them, CI never redrawn; and the
// borderless tables every console section is drawn with.
import test from "ava";
import { canRedraw, colorsFor, plainTable, tableText, wantsColor } from "../../lab/terminal";

const tty = { isTTY: true };
const pipe = { isTTY: false };

test("colour: on a terminal unless it is dumb; NO_COLOR (non-empty) always off; FORCE_COLOR (not 0) on anywhere", (t) => {
  t.true(wantsColor(tty, {}));
  t.false(wantsColor(pipe, {}));
  t.false(wantsColor({}, {}));
  t.false(wantsColor(tty, { TERM: "dumb" }));
  t.true(wantsColor(tty, { TERM: "xterm" }));
  t.false(wantsColor(tty, { NO_COLOR: "1" }));
  t.true(wantsColor(tty, { NO_COLOR: "" }), "an empty NO_COLOR is not set");
  t.true(wantsColor(pipe, { FORCE_COLOR: "1" }));
  t.true(wantsColor(pipe, { FORCE_COLOR: "" }));
  t.false(wantsColor(pipe, { FORCE_COLOR: "0" }));
  t.false(wantsColor(tty, { FORCE_COLOR: "0", TERM: "dumb" }));
  t.true(wantsColor(tty, { FORCE_COLOR: "0" }), "FORCE_COLOR=0 does not turn a terminal's colour off");
  t.false(wantsColor(pipe, { NO_COLOR: "1", FORCE_COLOR: "1" }));
});

test("redrawing: only a terminal that is not dumb, and never under CI", (t) => {
  t.true(canRedraw(tty, {}));
  t.false(canRedraw(pipe, {}));
  t.false(canRedraw({}, {}));
  t.false(canRedraw(tty, { TERM: "dumb" }));
  t.false(canRedraw(tty, { CI: "true" }));
  t.true(canRedraw(tty, { CI: "" }));
});

test("a table: two spaces before and between columns, no trailing blanks, the head bold only with colour", (t) => {
  const table = plainTable(["case", "n"], colorsFor(false));
  table.push(["a-long-id", "1"], ["b", "22"]);
  t.is(tableText(table), "  case       n\n  a-long-id  1\n  b          22");
  const bold = plainTable(["case"], colorsFor(true));
  bold.push(["x"]);
  t.is(tableText(bold), "  \x1b[1mcase\x1b[22m\n  x");
  const none = plainTable([], colorsFor(false));
  none.push(["x", "y"]);
  t.is(tableText(none), "  x  y");
});
