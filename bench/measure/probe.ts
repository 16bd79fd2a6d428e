/**
 * Single timed requests outside autocannon: the probe before a scenario (latency, result size),
 * and the sequential measurement of a server too slow to put under load.
 */
import type { LoadResult } from '../load.js';
import type { BenchServer } from '../servers.js';
import type { ProbeResult } from './figures.js';

type Entry = { search?: { mode?: string } };

export async function timedGet(server: BenchServer, path: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.base}/${path}`, { headers: { accept: 'application/fhir+json', ...server.headers }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const out: ProbeResult = { status: res.status, ms };
    try {
      const body = JSON.parse(text) as { resourceType?: string; total?: number; entry?: Entry[] };
      if (body.resourceType === 'Bundle') {
        out.matches = body.entry?.filter((e) => e.search?.mode === 'match').length ?? 0;
        out.includes = body.entry?.filter((e) => e.search?.mode === 'include').length ?? 0;
        if (typeof body.total === 'number') out.total = body.total;
      }
    } catch {
      // not JSON: status and latency are enough
    }
    return out;
  } catch {
    await waitUntilResponsive(server);
    return { status: 0, ms: timeoutMs };
  }
}

/** After a request was abandoned, the server may still be computing it: wait until it answers. */
export async function waitUntilResponsive(server: BenchServer): Promise<void> {
  const root = new URL(server.base).origin;
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${root}/healthz`, { signal: AbortSignal.timeout(60_000) })).ok) return;
    } catch {
      // still busy
    }
  }
  throw new Error(`${server.name} stayed unresponsive`);
}

/** One request at a time for about `budgetMs` (at least `minRequests`), as a LoadResult. */
export async function sequentialRun(server: BenchServer, path: string, budgetMs: number, timeoutMs: number, minRequests = 2): Promise<LoadResult> {
  const started = performance.now();
  const result: LoadResult = { durationSeconds: 0, responses: 0, ok: 0, non2xx: 0, errors: 0, statuses: {}, okLatencies: [] };
  let n = 0;
  while (n < minRequests || performance.now() - started < budgetMs) {
    n++;
    const p = await timedGet(server, path, timeoutMs);
    if (p.status === 0) {
      result.errors++;
      break;
    }
    result.responses++;
    result.statuses[p.status] = (result.statuses[p.status] ?? 0) + 1;
    if (p.status >= 200 && p.status < 300) {
      result.ok++;
      result.okLatencies.push(p.ms);
    } else result.non2xx++;
  }
  result.durationSeconds = (performance.now() - started) / 1000;
  return result;
}
