/**
 * A hand-written SVG chart of a run: per scenario, throughput (left) and p99 latency (right),
 * ours beside the peer's, on logarithmic axes (the gaps span several orders of magnitude).
 */
import type { ServerFigures } from '../measure/figures.js';
import { fmtDuration, fmtRate, notesLabel, oursStorage } from './markdown.js';
import type { BenchRun } from './results.js';

const COLORS = { ours: '#1f6fb4', peer: '#e8790c' } as const;
const LABEL_W = 300;
const PANEL_W = 380;
const GAP = 50;
const ROW_H = 38;
const BAR_H = 13;
const TOP = 96;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Bar {
  value: number | null;
  estimated: boolean;
  text: string;
}

function throughputBar(f: ServerFigures | undefined): Bar {
  if (!f) return { value: null, estimated: false, text: '' };
  if (f.mode === 'skipped') {
    const est = f.estimatedLatencyMs ? 1000 / f.estimatedLatencyMs : null;
    if (f.timedOut) return { value: est, estimated: true, text: est ? `< ${fmtRate(est)} (timed out)` : 'timed out' };
    return { value: est, estimated: true, text: est ? `≈${fmtRate(est)} (skipped)` : 'skipped' };
  }
  if (f.rps === 0) return { value: null, estimated: false, text: f.non2xx + f.errors > 0 ? 'errors only' : '0' };
  return { value: f.rps, estimated: false, text: `${fmtRate(f.rps)}${f.mode === 'sequential' ? ' †' : ''}` };
}

function p99Bar(f: ServerFigures | undefined): Bar {
  if (!f) return { value: null, estimated: false, text: '' };
  if (f.mode === 'skipped') return { value: f.estimatedLatencyMs ?? null, estimated: true, text: f.timedOut ? `> ${fmtDuration(f.estimatedLatencyMs)} (timed out)` : `≈${fmtDuration(f.estimatedLatencyMs)} (skipped)` };
  if (f.p99 === null) return { value: null, estimated: false, text: f.non2xx + f.errors > 0 ? 'errors only' : '–' };
  return { value: f.p99, estimated: false, text: fmtDuration(f.p99) };
}

function tick(t: number): string {
  if (t >= 1_000_000) return `${Math.round(t / 1_000_000)}M`;
  if (t >= 1000) return `${Math.round(t / 1000)}k`;
  return t >= 1 ? String(Math.round(t)) : String(Number(t.toPrecision(1)));
}

function logScale(values: number[]): { lo: number; hi: number; x: (v: number) => number } {
  const pos = values.filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...pos, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...pos, 10)));
  const span = Math.log10(hi) - Math.log10(lo);
  return { lo, hi, x: (v) => ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (PANEL_W - 90) };
}

function panel(x0: number, title: string, bars: Array<[Bar, Bar]>, height: number): string[] {
  const scale = logScale(bars.flat().map((b) => b.value ?? 0));
  const out = [`<text x="${x0}" y="${TOP - 16}" class="h">${esc(title)}</text>`];
  for (let t = scale.lo; t <= scale.hi * 1.001; t *= 10) {
    const x = x0 + scale.x(t);
    out.push(`<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 24}" class="grid"/>`, `<text x="${x}" y="${height - 10}" class="tick">${tick(t)}</text>`);
  }
  bars.forEach(([ours, peer], i) => {
    const y = TOP + i * ROW_H;
    for (const [k, b, dy] of [['ours', ours, 0], ['peer', peer, BAR_H + 2]] as const) {
      if (b.value === null) {
        out.push(`<text x="${x0 + 4}" y="${y + dy + 10}" class="v">${esc(b.text)}</text>`);
        continue;
      }
      const w = Math.max(2, scale.x(b.value));
      const style = b.estimated ? `fill="none" stroke="${COLORS[k]}" stroke-dasharray="4 3"` : `fill="${COLORS[k]}"`;
      out.push(`<rect x="${x0}" y="${y + dy}" width="${w.toFixed(1)}" height="${BAR_H}" ${style}/>`, `<text x="${x0 + w + 4}" y="${y + dy + 10}" class="v">${esc(b.text)}</text>`);
    }
  });
  return out;
}

export function svgChart(run: BenchRun): string {
  const rows = run.scenarios;
  const height = TOP + rows.length * ROW_H + 34;
  const width = LABEL_W + 2 * PANEL_W + GAP + 20;
  const oursLegend = `ours (${oursStorage(run)}, auth, audit)`;
  // about 6.2 px per character at 12 px
  const peerX = Math.max(330, Math.round(26 + oursLegend.length * 6.2 + 24));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.h{font-size:13px;font-weight:600}.l{font-size:12px}.v{font-size:10.5px;fill:#333}.tick{font-size:10px;fill:#666;text-anchor:middle}.grid{stroke:#ddd;stroke-width:1}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" class="h">${esc(`cahier-de-liaison vs Medplum FhirRouter + MemoryRepository — ${run.date}, ${run.machine.cpus} CPUs, Node ${run.machine.node}`)}</text>`,
    `<rect x="10" y="32" width="12" height="10" fill="${COLORS.ours}"/><text x="26" y="41" class="l">${esc(oursLegend)}</text>`,
    `<rect x="${peerX}" y="32" width="12" height="10" fill="${COLORS.peer}"/><text x="${peerX + 16}" y="41" class="l">peer (Medplum FhirRouter + MemoryRepository, in memory)</text>`,
    `<text x="10" y="60" class="v">log scales · dashed: skipped (extrapolated from the smaller dataset) or timed out (the limit) · †: one client, one request at a time (a server needed over 250 ms per request)</text>`,
  ];
  rows.forEach((r, i) => {
    const label = `${r.title}${r.notes !== null ? ` @${notesLabel(r.notes)}` : ''}`;
    out.push(`<text x="10" y="${TOP + i * ROW_H + 18}" class="l">${esc(label.length > 48 ? `${label.slice(0, 47)}…` : label)}</text>`);
  });
  out.push(...panel(LABEL_W, 'throughput (2xx req/s, higher is better)', rows.map((r) => [throughputBar(r.ours), throughputBar(r.peer)]), height));
  out.push(...panel(LABEL_W + PANEL_W + GAP, 'p99 latency (ms, lower is better)', rows.map((r) => [p99Bar(r.ours), p99Bar(r.peer)]), height));
  out.push('</svg>');
  return out.join('\n');
}
