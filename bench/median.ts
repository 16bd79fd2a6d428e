/**
 * `node dist/bench/median.js run1.json run2.json run3.json`: the median over repeated backend
 * comparisons (`--backends`) of each scenario's requests/s and p99 per backend, with the range
 * (min–max), and the ratios of the medians. On a shared machine one run is noisy; repeating the
 * same command and taking the median is what the README quotes.
 */
import { readFileSync } from 'node:fs';
import { ratioColumns } from './report/backends-markdown.js';
import { fmtMs, fmtRate, notesLabel } from './report/markdown.js';
import type { BackendsRun } from './report/results.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const range = (xs: number[], fmt: (n: number) => string) => (xs.length > 1 ? ` (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : '');

export function medianTable(runs: BackendsRun[]): string {
  const keys = runs[0]!.variants.map((v) => v.key);
  const ratios = ratioColumns(keys);
  const lines = [
    `Median of ${runs.length} runs (${runs.map((r) => r.startedAt.slice(0, 16).replace('T', ' ')).join(', ')} UTC); min–max in parentheses.`,
    '',
    `| scenario | notes | ${keys.map((k) => `req/s ${k}`).join(' | ')} | ${ratios.map(([a, b]) => `${a}/${b}`).join(' | ')} | ${keys.map((k) => `p99 ms ${k}`).join(' | ')} |`,
    `|---|---:|${keys.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|${keys.map(() => '---:').join('|')}|`,
  ];
  for (const first of runs[0]!.scenarios) {
    const same = runs.map((r) => r.scenarios.find((s) => s.name === first.name && s.notes === first.notes));
    const figures = (k: string) => same.map((s) => s?.figures[k]).filter((f) => f !== undefined && f.mode !== 'skipped');
    const rps = (k: string) => figures(k).map((f) => f!.rps);
    const p99 = (k: string) => figures(k).flatMap((f) => (f!.p99 === null ? [] : [f!.p99]));
    const seq = (k: string) => (figures(k).some((f) => f!.mode === 'sequential') ? ' †' : '');
    const cell = (xs: number[], fmt: (n: number) => string, mark = '') => (xs.length === 0 ? '–' : `${fmt(median(xs))}${mark}${range(xs, fmt)}`);
    const ratio = (a: string, b: string) => (rps(a).length && rps(b).length && median(rps(b)) > 0 ? `**${(median(rps(a)) / median(rps(b))).toFixed(2)}×**` : '–');
    lines.push(
      `| ${first.title} | ${notesLabel(first.notes)} | ${keys.map((k) => cell(rps(k), fmtRate, seq(k))).join(' | ')} | ${ratios.map(([a, b]) => ratio(a, b)).join(' | ')} | ${keys.map((k) => cell(p99(k), fmtMs)).join(' | ')} |`,
    );
  }
  lines.push('', '† measured one request at a time in at least one run (a probe took over 250 ms): throughput ≈ 1/latency.');
  return lines.join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => !f.endsWith('.json'))) {
  console.error('usage: node dist/bench/median.js <run>.json [<run>.json …]   (backend comparisons, --backends)');
  process.exit(1);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BackendsRun);
if (runs.some((r) => r.kind !== 'backends')) {
  console.error('every file must be a backend comparison (npm run bench -- --backends …)');
  process.exit(1);
}
console.log(medianTable(runs));
