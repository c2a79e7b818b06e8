/**
 * What the console may do on a stream: colour, and redrawing a status line. Both only on a terminal,
 * so CI logs and `| tee` files stay plain text. picocolors alone would colour any output when CI is
 * set (GitHub Actions sets it), which is why the decision is made here.
 */
import Table from "cli-table3";
import picocolors from "picocolors";
import type { Colors } from "picocolors/types";

export type { Colors };

/** NO_COLOR (non-empty) always wins; FORCE_COLOR (non-"0") turns colour on off a terminal; else a terminal that is not dumb. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export function colorsFor(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}

/** A status line is redrawn in place: only where the stream is a terminal that can take it. */
export function canRedraw(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.TERM !== "dumb" && !env.CI;
}

/**
 * A table with no borders, columns two spaces apart: readable in a log and in a terminal, and without
 * cli-table3's default colours (it colours the head on its own, whatever the terminal).
 */
export function plainTable(
  head: string[],
  colors: Colors,
  extra: { colWidths?: (number | null)[]; wordWrap?: boolean } = {},
): Table.Table {
  return new Table({
    head: head.map((h) => colors.bold(h)),
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "  ",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
    ...extra,
  });
}

/** The table's text without the padding cli-table3 leaves at the end of each line. */
export function tableText(table: Table.Table): string {
  return table
    .toString()
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}
