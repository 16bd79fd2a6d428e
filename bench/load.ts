/**
 * Drives one server with autocannon for a fixed time and returns raw figures: response counts by
 * status, socket errors, and the latency of every 2xx response (so rounds can be merged exactly).
 */
import autocannon from 'autocannon';

/** One request of a scenario: a fixed request, or one built per call (`setupRequest`). */
export type LoadRequest = autocannon.Request;

export interface LoadOptions {
  /**
   * Origin and FHIR base, e.g. http://127.0.0.1:8080/fhir (request paths are absolute). Several
   * URLs (processes of one server): autocannon opens connection i to URL i mod n, so the
   * connections split evenly and each connection stays on its process (closed loop per connection).
   */
  url: string | string[];
  connections: number;
  durationSeconds: number;
  /** Headers sent with every request (content type, and the bench token once auth exists). */
  headers: Record<string, string>;
  /** Cycled in order by every connection. */
  requests: LoadRequest[];
  timeoutSeconds?: number;
}

export interface LoadResult {
  durationSeconds: number;
  /** Responses received, whatever the status. */
  responses: number;
  ok: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  statuses: Record<string, number>;
  /** Latency (ms) of each 2xx response. */
  okLatencies: number[];
}

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const okLatencies: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon accepts an array of URLs; its type declarations say string only
        url: o.url as string,
        connections: o.connections,
        duration: o.durationSeconds,
        headers: o.headers,
        requests: o.requests,
        timeout: o.timeoutSeconds ?? 30,
      },
      (err: unknown, r: autocannon.Result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        let responses = 0;
        let ok = 0;
        for (const [code, n] of Object.entries(statuses)) {
          responses += n;
          if (code.startsWith('2')) ok += n;
        }
        resolve({
          durationSeconds: r.duration,
          responses,
          ok,
          non2xx: responses - ok,
          errors: r.errors,
          statuses,
          okLatencies,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) okLatencies.push(responseTime);
    });
  });
}
