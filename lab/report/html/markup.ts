/**
 * The HTML page's vocabulary: escaping, anchors, and the one inline stylesheet (the page loads nothing
 * and runs no script, so it can be mailed, archived by CI, or opened from a file).
 */
import type { Outcome } from "../../verdict/outcome";

/**
 * Control characters (C0 but tab, LF, CR; DEL and C1) and lone surrogates are parse errors in HTML and
 * invisible when they do render: shown as \u{…} so a stray byte in a reason or a trace is seen.
 */
const UNSHOWABLE = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\u{10FFFF}]/gu;

/** Text for an element or a quoted attribute value. */
export function esc(value: string | number): string {
  return String(value)
    .replace(UNSHOWABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * An element id for a run (or a matrix row, a claim): the id itself, readable in the address bar, with
 * every character outside [A-Za-z0-9._/@-] written as ~hex~ (so no two ids meet, and none has a space).
 */
export function anchor(kind: "run" | "row" | "claim", id: string): string {
  return `${kind}-${id.replace(/[^A-Za-z0-9._/@-]/gu, (c) => `~${c.codePointAt(0)!.toString(16)}~`)}`;
}

export const OUTCOME_CLASS: Record<Outcome, string> = {
  passed: "o-passed",
  failed: "o-failed",
  skipped: "o-skipped",
  xfail: "o-xfail",
  xpass: "o-xpass",
};

export const CSS = `
:root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a; background: #fff; }
body { margin: 0 auto; padding: 0 24px 48px; max-width: 1600px; }
header { border-bottom: 2px solid #d0d7de; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 16px 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; }
nav a { margin-right: 14px; }
a { color: #0a58ca; text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono, td.call, td.where, td.observed, td.expected { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; position: sticky; top: 0; }
.summary span { margin-right: 12px; }
.badge, td.cell { font-weight: 600; text-align: center; white-space: nowrap; }
.badge { display: inline-block; min-width: 48px; padding: 0 6px; border-radius: 4px; }
td.cell a { color: inherit; display: block; }
.o-passed { background: #dcf5dc; color: #14532d; }
.o-failed { background: #fbd3d3; color: #8b0000; }
.o-skipped { background: #ececec; color: #555; }
.o-xfail { background: #d4eff6; color: #0b5566; }
.o-xpass { background: #f4d5f4; color: #701a70; }
.v-confirmed { background: #dcf5dc; color: #14532d; }
.v-refuted { background: #fbd3d3; color: #8b0000; }
.v-partly { background: #fdeec8; color: #7a4b00; }
.v-untested { background: #f3f3f3; color: #888; }
tr.differs > th { border-left: 4px solid #d97706; }
#matrix-table th.mono { white-space: nowrap; }
td.notes { color: #7a4b00; font-size: 12.5px; min-width: 280px; }
.callout.bad { border-color: #e8a3a3; background: #fff3f3; }
.callout { border: 1px solid #f0c36d; background: #fff8e6; border-radius: 6px; padding: 8px 14px; margin: 8px 0 12px; }
.callout ul { margin: 4px 0; padding-left: 20px; }
blockquote { margin: 0; color: #333; font-style: italic; max-width: 640px; }
tr.untested { color: #777; }
section.run { border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
section.run.r-passed { border-left-color: #2e9e44; }
section.run.r-failed { border-left-color: #d11a1a; }
section.run.r-skipped { border-left-color: #999; }
section.run.r-xfail { border-left-color: #1c8aa6; }
section.run.r-xpass { border-left-color: #a626a4; }
.meta { color: #57606a; font-size: 12.5px; margin: 0 0 6px; }
.reason { margin: 4px 0; }
ul.failures { margin: 4px 0; padding-left: 20px; color: #8b0000; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
tr.step.fail td { background: #fde4e4; }
tr.step.fail td.observed { color: #8b0000; font-weight: 600; }
details summary { cursor: pointer; color: #57606a; }
.trace { margin: 2px 0 0; white-space: pre-wrap; color: #57606a; font-weight: normal; }
`;
