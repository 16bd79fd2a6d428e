/** The figures reported per scenario and server, and how raw load results become them. */
import type { LoadResult } from '../load.js';

export interface ProbeResult {
  status: number;
  ms: number;
  /** Entries with search.mode = match / include in the first page (searches). */
  matches?: number;
  includes?: number;
  total?: number;
}

export interface ServerFigures {
  /** `load`: autocannon rounds; `sequential`: one request at a time (too slow for load); `skipped`. */
  mode: 'load' | 'sequential' | 'skipped';
  connections: number;
  measuredSeconds: number;
  responses: number;
  ok: number;
  /** 2xx responses per second. */
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  rssMiB: number;
  probe?: ProbeResult;
  /** For skipped runs: latency extrapolated linearly from the previous dataset size, or the limit a probe exceeded. */
  estimatedLatencyMs?: number;
  /** The probe got no answer within the limit: estimatedLatencyMs is a lower bound. */
  timedOut?: boolean;
  note?: string;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

/** Merges rounds: counts add up, latencies are pooled, RSS is the largest seen. */
export function figuresOf(mode: ServerFigures['mode'], connections: number, rounds: LoadResult[], rssMiB: number): ServerFigures {
  const latencies = rounds.flatMap((r) => r.okLatencies).sort((a, b) => a - b);
  const sum = (f: (r: LoadResult) => number) => rounds.reduce((s, r) => s + f(r), 0);
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const measuredSeconds = sum((r) => r.durationSeconds);
  const ok = sum((r) => r.ok);
  return {
    mode,
    connections,
    measuredSeconds: Math.round(measuredSeconds * 100) / 100,
    responses: sum((r) => r.responses),
    ok,
    rps: measuredSeconds > 0 ? Math.round((ok / measuredSeconds) * 100) / 100 : 0,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    statuses,
    rssMiB,
  };
}

export function skipped(estimatedLatencyMs: number, note: string): ServerFigures {
  return { mode: 'skipped', connections: 0, measuredSeconds: 0, responses: 0, ok: 0, rps: 0, p50: null, p95: null, p99: null, errors: 0, non2xx: 0, statuses: {}, rssMiB: 0, estimatedLatencyMs: Math.round(estimatedLatencyMs), note };
}

/** A probe that got no answer within `limitMs`: reported like a skipped run, with the limit as a lower bound. */
export function timedOut(limitMs: number, probe: ProbeResult): ServerFigures {
  return { ...skipped(limitMs, `no answer within ${limitMs / 1000} s`), timedOut: true, probe };
}

export type RatioBasis = 'measured' | 'estimated' | 'lower bound';

/** ours/peer throughput; for a skipped peer, against its estimated (or at most) sequential throughput. */
export function ratioOf(ours: ServerFigures | undefined, peer: ServerFigures | undefined): { ratio: number | null; basis: RatioBasis } {
  if (!ours || !peer || ours.mode === 'skipped' || ours.rps === 0) return { ratio: null, basis: 'measured' };
  if (peer.mode === 'skipped' && peer.estimatedLatencyMs) {
    return { ratio: Math.round(ours.rps * (peer.estimatedLatencyMs / 1000) * 100) / 100, basis: peer.timedOut ? 'lower bound' : 'estimated' };
  }
  if (peer.rps === 0) return { ratio: null, basis: 'measured' };
  return { ratio: Math.round((ours.rps / peer.rps) * 100) / 100, basis: 'measured' };
}
