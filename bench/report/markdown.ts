/** The Markdown summary of a run: one row per scenario, ours beside the peer, and the ratio. */
import type { ServerFigures } from '../measure/figures.js';
import type { BenchRun, ScenarioResult } from './results.js';

export function fmtRate(n: number): string {
  if (n === 0) return '0';
  if (n >= 100) return String(Math.round(n));
  if (n >= 10) return n.toFixed(1);
  if (n >= 0.01) return n.toPrecision(2);
  return String(Number(n.toPrecision(1)));
}

export function fmtMs(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n >= 100) return String(Math.round(n));
  return n.toFixed(1);
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export const notesLabel = (n: number | null) => (n === null ? '' : n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

function rate(f: ServerFigures | undefined): string {
  if (!f) return '–';
  if (f.mode === 'skipped') return f.timedOut ? `timed out (> ${fmtDuration(f.estimatedLatencyMs)}/req)` : `skipped (≈${fmtDuration(f.estimatedLatencyMs)}/req)`;
  return `${fmtRate(f.rps)}${f.mode === 'sequential' ? ' †' : ''}`;
}

function failures(f: ServerFigures | undefined): string {
  if (!f || f.mode === 'skipped') return '–';
  const bad = f.errors + f.non2xx;
  if (bad === 0) return '0';
  const statuses = Object.entries(f.statuses).filter(([k]) => !k.startsWith('2')).map(([k, n]) => `${n}×${k}`);
  if (f.errors) statuses.push(`${f.errors}×err`);
  const all = f.responses + f.errors;
  return `${all > 0 && bad === all ? '**all** ' : ''}${statuses.join(' ')}`;
}

function page(f: ServerFigures | undefined): string {
  const p = f?.probe;
  if (!p || p.matches === undefined) return '';
  return `${p.matches}+${p.includes}`;
}

const pair = (a: string, b: string) => `${a} / ${b}`;

/** How ours was stored in a run: `SQLite synchronous=FULL`, `PostgreSQL, 2 nodes, synchronous_commit=on`. */
export function oursStorage(run: BenchRun): string {
  const m = /^pg(\d+)$/.exec(run.settings.backend ?? '');
  if (!m) return 'SQLite synchronous=FULL';
  const n = Number(m[1]);
  return `PostgreSQL, ${n} node${n > 1 ? 's (load split evenly)' : ''}, synchronous_commit=on`;
}

function ratio(r: ScenarioResult): string {
  if (r.ratio === null) return '–';
  const v = r.ratio >= 100 ? String(Math.round(r.ratio)) : r.ratio.toFixed(2);
  return `${{ measured: '', estimated: '≈', 'lower bound': '≥' }[r.ratioBasis]}**${v}×**`;
}

export function markdownTable(run: BenchRun): string {
  const m = run.machine;
  const lines = [
    `### Benchmark ${run.date}: ours vs Medplum FhirRouter + MemoryRepository`,
    '',
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, commit ${m.gitCommit.slice(0, 10)}${m.gitDirty ? ' (dirty tree)' : ''}; ` +
      `${run.settings.quick ? 'quick mode, ' : ''}${run.settings.rounds} rounds × ${run.settings.seconds} s per server (alternating), ` +
      `${run.settings.connections} connections unless stated; ours durable (${oursStorage(run)}), authenticated, audited; run took ${Math.round(run.durationSeconds)} s.`,
    '',
    '| scenario | notes | req/s ours | req/s peer | ours/peer | p50 ms ours / peer | p95 ms ours / peer | p99 ms ours / peer | errors ours / peer | RSS MiB ours / peer | page ours / peer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  if (run.seeded) {
    lines.splice(
      3,
      0,
      `Ours alone on an existing data directory filled by \`npm run seed\` (${run.seeded.notes} notes, \`--seeded ${run.seeded.dataDir}\`): ` +
        `cold start to the first answered search ${run.seeded.coldStartMs} ms. Queries: ${run.seeded.queries.map((x) => `\`${x}\``).join(', ')}.`,
      '',
    );
  }
  for (const r of run.scenarios) {
    const o = r.ours;
    const p = r.peer;
    const conns = o?.mode === 'load' && o.connections !== run.settings.connections ? ` (${o.connections} conn.)` : '';
    lines.push(
      `| ${r.title}${conns} | ${notesLabel(r.notes)} | ${rate(o)} | ${rate(p)} | ${ratio(r)} | ${pair(fmtMs(o?.p50), fmtMs(p?.p50))} | ${pair(fmtMs(o?.p95), fmtMs(p?.p95))} | ${pair(fmtMs(o?.p99), fmtMs(p?.p99))} | ${pair(failures(o), failures(p))} | ${pair(String(o?.rssMiB || '–'), String(p?.rssMiB || '–'))} | ${page(o) || page(p) ? pair(page(o) || '–', page(p) || '–') : ''} |`,
    );
  }
  lines.push(
    '',
    'req/s counts 2xx responses only; latencies are of 2xx responses; "errors" lists non-2xx statuses and socket errors/timeouts. ' +
      '"page" is the first result page of a search: matches + included resources. ' +
      '† a server needed over 250 ms per request: both measured with one client, one request at a time (throughput ≈ 1/latency). ' +
      '"skipped": the linear extrapolation from the smaller dataset exceeds the per-request limit; the ratio then uses that estimate (≈). ' +
      '"timed out": the probe got no answer within the limit; the ratio uses the limit (≥).',
  );
  return lines.join('\n');
}
