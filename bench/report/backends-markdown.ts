/**
 * The Markdown summary of a backend comparison: one row per scenario, ours' throughput and
 * latencies on each backend, and ratios to the first backend (and of n nodes to one node).
 */
import type { ServerFigures } from '../measure/figures.js';
import { fmtMs, fmtRate, notesLabel } from './markdown.js';
import type { BackendScenarioResult, BackendsRun } from './results.js';

function rate(f: ServerFigures | undefined): string {
  if (!f) return '–';
  if (f.mode === 'skipped') return `skipped (≈${fmtMs(f.estimatedLatencyMs)} ms/req)`;
  return `${fmtRate(f.rps)}${f.mode === 'sequential' ? ' †' : ''}`;
}

function failures(f: ServerFigures | undefined): string {
  if (!f || f.mode === 'skipped') return '–';
  const bad = Object.entries(f.statuses).filter(([k]) => !k.startsWith('2')).map(([k, n]) => `${n}×${k}`);
  if (f.errors) bad.push(`${f.errors}×err`);
  return bad.length === 0 ? '0' : bad.join(' ');
}

function page(f: ServerFigures | undefined): string {
  const p = f?.probe;
  return p && p.matches !== undefined ? `${p.matches}+${p.includes}` : '';
}

/** Ratio columns: every backend against the first; each multi-node PostgreSQL against one node. */
export function ratioColumns(keys: string[]): Array<[string, string]> {
  const cols: Array<[string, string]> = keys.slice(1).map((k) => [k, keys[0]!]);
  if (keys.includes('pg1')) for (const k of keys) if (/^pg\d+$/.test(k) && k !== 'pg1' && keys[0] !== 'pg1') cols.push([k, 'pg1']);
  return cols;
}

function ratio(r: BackendScenarioResult, a: string, b: string): string {
  const fa = r.figures[a];
  const fb = r.figures[b];
  if (!fa || !fb || fa.mode === 'skipped' || fb.mode === 'skipped' || fb.rps === 0) return '–';
  return `**${(fa.rps / fb.rps).toFixed(2)}×**`;
}

const slash = (keys: string[], f: (k: string) => string) => keys.map(f).join(' / ');

export function backendsTable(run: BackendsRun): string {
  const m = run.machine;
  const keys = run.variants.map((v) => v.key);
  const ratios = ratioColumns(keys);
  const s = run.settings;
  const pgInfo = s.postgres ? Object.entries(s.postgres).map(([k, v]) => `${k}=${v}`).join(', ') : '';
  const lines = [
    `### Benchmark ${run.date}: ours on ${run.variants.map((v) => v.label).join(' / ')}`,
    '',
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, commit ${m.gitCommit.slice(0, 10)}${m.gitDirty ? ' (dirty tree)' : ''}; ` +
      `${s.quick ? 'quick mode, ' : ''}${s.rounds} rounds × ${s.seconds} s per backend (alternating), ${s.connections} connections unless stated ` +
      `(with several nodes, split evenly over them); durable commits on every backend, authenticated, audited; run took ${Math.round(run.durationSeconds)} s.` +
      (pgInfo ? ` PostgreSQL on the same machine: ${pgInfo}.` : ''),
    '',
    `Columns list the backends in this order: ${run.variants.map((v) => `**${v.key}** = ${v.label}`).join(', ')}.`,
    '',
    `| scenario | notes | ${keys.map((k) => `req/s ${k}`).join(' | ')} | ${ratios.map(([a, b]) => `${a}/${b}`).join(' | ')} | p50 ms | p99 ms | errors | RSS MiB | page |`,
    `|---|---:|${keys.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ];
  for (const r of run.scenarios) {
    const f = (k: string) => r.figures[k];
    const first = Object.values(r.figures).find((x) => x.mode === 'load');
    const conns = first && first.connections !== s.connections ? ` (${first.connections} conn.)` : '';
    const pages = keys.map((k) => page(f(k)));
    lines.push(
      `| ${r.title}${conns} | ${notesLabel(r.notes)} | ${keys.map((k) => rate(f(k))).join(' | ')} | ${ratios.map(([a, b]) => ratio(r, a, b)).join(' | ')} | ` +
        `${slash(keys, (k) => fmtMs(f(k)?.p50))} | ${slash(keys, (k) => fmtMs(f(k)?.p99))} | ${slash(keys, (k) => failures(f(k)))} | ` +
        `${slash(keys, (k) => String(f(k)?.rssMiB || '–'))} | ${pages.some(Boolean) ? slash(keys, (k) => page(f(k)) || '–') : ''} |`,
    );
  }
  lines.push(
    '',
    'req/s counts 2xx responses only; latencies are of 2xx responses; "errors" lists non-2xx statuses and socket errors/timeouts. ' +
      'RSS is the server processes\' (added up over the nodes), PostgreSQL\'s own memory not included. ' +
      '"page" is the first result page of a search: matches + included resources. ' +
      '† over 250 ms per request: measured with one client, one request at a time.',
  );
  return lines.join('\n');
}
