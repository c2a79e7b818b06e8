/**
 * The bench in HTML: a chart of how each rate scales with N against the seed's claimed line and
 * perfect scaling, and the claims' verdicts. Inline SVG and inline styles only (no script, nothing
 * to fetch), so the fragment fits in the HTML report (a "bench" section) and stands alone as a page
 * (npm run bench -- --html FILE).
 */
import type { BenchResults, BenchVerdict } from "../report/bench-results";
import { CLAIM_WORKERS } from "./bench-claims";

interface Series {
  label: string;
  color: string;
  /** [N, ratio to N = 1] */
  points: [number, number][];
  dashed?: boolean;
}

const W = 560;
const H = 330;
/** Room on the right for the seed's claims at N = 4, and below for the axis title and the legend. */
const PAD = { left: 48, right: 120, top: 16, bottom: 70 };

/** One chart: ratio to N = 1 (y) against N (x), with y = N (perfect scaling) and the seed's claims. */
export function scalingChart(r: BenchResults): string {
  const ns = [...new Set([1, ...r.tcp.map((p) => p.workers), ...r.udp.map((p) => p.workers), CLAIM_WORKERS])].sort(
    (a, b) => a - b,
  );
  const series: Series[] = [
    {
      label: "TCP connections/s",
      color: "#0a58ca",
      points: r.tcp.flatMap((p) => (p.ratio === undefined ? [] : [[p.workers, p.ratio] as [number, number]])),
    },
    {
      label: "UDP datagrams/s",
      color: "#2e9e44",
      points: r.udp.flatMap((p) => (p.ratio === undefined ? [] : [[p.workers, p.ratio] as [number, number]])),
    },
    { label: "perfect (y = N)", color: "#999", points: ns.map((n) => [n, n]), dashed: true },
    {
      label: `cores here (${r.machine.cores})`,
      color: "#d97706",
      points: ns.map((n) => [n, Math.min(n, r.machine.cores)]),
      dashed: true,
    },
  ];
  const claims: [string, number][] = [
    ["seed: 3.75x TCP", 3.75],
    ["seed: 5x UDP", 5],
  ];
  const maxX = Math.max(...ns);
  const maxY = Math.ceil(Math.max(5.5, ...series.flatMap((s) => s.points.map(([, y]) => y))));
  const x = (n: number) => PAD.left + ((n - 1) / Math.max(1, maxX - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (let v = 0; v <= maxY; v++)
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}x</text>`,
    );
  for (const n of ns)
    parts.push(`<text x="${x(n)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${n}</text>`);
  parts.push(
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - PAD.bottom + 32}" text-anchor="middle" font-size="12">workers (N)</text>`,
  );
  for (const [label, v] of claims) {
    parts.push(
      `<circle cx="${x(CLAIM_WORKERS)}" cy="${y(v)}" r="5" fill="none" stroke="#d11a1a" stroke-width="2"/><text x="${x(CLAIM_WORKERS) + 8}" y="${y(v) + 4}" font-size="11" fill="#d11a1a">${esc(label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    if (!s.points.length) return;
    const d = s.points.map(([n, v], j) => `${j ? "L" : "M"}${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ""}/>`,
    );
    if (!s.dashed)
      for (const [n, v] of s.points)
        parts.push(
          `<circle cx="${x(n)}" cy="${y(v)}" r="3.5" fill="${s.color}"><title>${esc(`${s.label}, N=${n}: ${v.toFixed(2)}x`)}</title></circle>`,
        );
    const lx = PAD.left + (i % 2) * 200;
    const ly = H - 22 + Math.floor(i / 2) * 16;
    parts.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ""}/><text x="${lx + 24}" y="${ly}" font-size="11">${esc(s.label)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="scaling with N workers, ratio to one worker">${parts.join("")}</svg>`;
}

const VERDICT_STYLE: Record<BenchVerdict, string> = {
  confirmed: "background:#dcf5dc;color:#14532d",
  "not reproduced": "background:#fdeec8;color:#7a4b00",
  refuted: "background:#fbd3d3;color:#8b0000",
};

/** The section's body: machine, chart, and the claims with their verdicts. */
export function benchSectionHtml(r: BenchResults): string {
  const m = r.machine;
  const cell = "border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top";
  const rows = r.claims.map(
    (c) =>
      `<tr><td style="${cell};${VERDICT_STYLE[c.verdict]};font-weight:600;white-space:nowrap">${esc(c.verdict)}</td><td style="${cell}">${esc(c.quote)} <small>(line ${c.seedLine})</small></td><td style="${cell}">${esc(c.reason)}</td></tr>`,
  );
  return [
    `<p>${esc(`${m.backend} backend, kernel ${m.kernel}, ${m.cores} cores (${m.cpuModel}), load average ${m.loadAverage} at the start; ${r.settings.durationMs} ms per measurement`)}</p>`,
    scalingChart(r),
    `<table style="border-collapse:collapse;margin:6px 0 12px"><thead><tr><th style="${cell}">verdict</th><th style="${cell}">seed claim</th><th style="${cell}">measured, and why</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

/** A page of its own, for npm run bench -- --html FILE. */
export function benchPage(r: BenchResults): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>reuselab bench</title></head><body style="font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:0 24px"><h1>reuselab bench: SO_REUSEPORT scaling</h1>\n${benchSectionHtml(r)}\n</body></html>\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
