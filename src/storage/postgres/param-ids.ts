/**
 * Numeric ids of search parameters (`search_params`), cached per node. Ids never change once
 * committed, so the shared cache only ever receives committed ids; a transaction keeps the ids it
 * created (or saw) in its own overlay, merged into the cache after COMMIT and dropped on ROLLBACK.
 * Several nodes may create the same parameter at once: `ON CONFLICT DO NOTHING` then a re-read.
 */
import type { Query } from './sql.js';

const key = (type: string, code: string): string => `${type}\u0000${code}`;

export class ParamIds {
  private readonly committed = new Map<string, number>();

  /** Synchronous lookup for the compiler: -1 when the parameter was never indexed. */
  pidOf(type: string, code: string, overlay?: Map<string, number>): number {
    const k = key(type, code);
    return overlay?.get(k) ?? this.committed.get(k) ?? -1;
  }

  /**
   * Loads the ids of `pairs` missing from the cache (those never indexed stay missing).
   * With an overlay (inside a transaction), what is read goes there.
   */
  async load(query: Query, pairs: Array<[string, string]>, overlay?: Map<string, number>): Promise<void> {
    const missing = pairs.filter(([t, c]) => this.pidOf(t, c, overlay) < 0);
    if (missing.length === 0) return;
    const rows = await query<{ pid: number; type: string; code: string }>(
      'SELECT p.pid, p.type, p.code FROM search_params p JOIN unnest($1::text[], $2::text[]) AS w(type, code) ON p.type = w.type AND p.code = w.code',
      [missing.map((p) => p[0]), missing.map((p) => p[1])],
    );
    const target = overlay ?? this.committed;
    for (const r of rows) target.set(key(r.type, r.code), r.pid);
  }

  /** Ids for `pairs`, created when missing, inside a transaction (recorded in its overlay). */
  async ensure(query: Query, pairs: Array<[string, string]>, overlay: Map<string, number>): Promise<void> {
    await this.load(query, pairs, overlay);
    const missing = [...new Map(pairs.filter(([t, c]) => this.pidOf(t, c, overlay) < 0).map((p) => [key(...p), p])).values()];
    if (missing.length === 0) return;
    // A stable order keeps concurrent creators from deadlocking on the unique index.
    missing.sort((a, b) => (key(...a) < key(...b) ? -1 : 1));
    await query(
      'INSERT INTO search_params (type, code) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (type, code) DO NOTHING',
      [missing.map((p) => p[0]), missing.map((p) => p[1])],
    );
    await this.load(query, missing, overlay);
  }

  /** After COMMIT: what the transaction created or read is now committed. */
  merge(overlay: Map<string, number>): void {
    for (const [k, v] of overlay) this.committed.set(k, v);
  }
}
