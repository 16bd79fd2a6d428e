/** A thin promise wrapper around autocannon, returning the figures the benchmarks report. */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  body?: string;
  /** Per-request bodies/paths, cycled (overrides url path and body). */
  requests?: Array<{ method?: string; path?: string; body?: string; headers?: Record<string, string> }>;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const opts: Record<string, unknown> = {
      url: o.url,
      method: o.method ?? 'GET',
      connections: o.connections,
      duration: o.durationSeconds,
      headers: o.headers ?? {},
    };
    if (o.body !== undefined) opts.body = o.body;
    if (o.requests) opts.requests = o.requests;
    autocannon(opts as unknown as autocannon.Options, (err: Error | null, r: autocannon.Result) => {
      if (err) return reject(err);
      const lat = r.latency as unknown as Record<string, number>;
      resolve({
        requestsPerSecond: r.requests.average,
        p50: lat.p50 ?? 0,
        p95: lat.p97_5 ?? lat.p95 ?? 0,
        p99: lat.p99 ?? 0,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        total: r.requests.total,
      });
    });
  });
}
