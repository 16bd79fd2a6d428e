/**
 * SQL text helpers shared by the PostgreSQL adapter. The search compiler writes positional `?`
 * markers (as the SQLite one does, so both stay structurally identical); `toPg` numbers them
 * `$1..$n` for PostgreSQL. The compiler never emits `?` inside a literal.
 */

export interface Sql {
  sql: string;
  params: unknown[];
}

/**
 * Runs one statement and returns its rows, on a pool or on one client (a transaction). A `name`
 * makes it a prepared statement, parsed and planned once per connection: only for fixed SQL.
 * Transient failures are rethrown as StorageUnavailableError.
 */
export type Query = <R = Record<string, unknown>>(sql: string, params?: unknown[], name?: string) => Promise<R[]>;

/** PostgreSQL text cannot hold U+0000: it is dropped from every string sent as a parameter. */
export const clean = (s: string): string => (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s);

const cleanParam = (p: unknown): unknown => (typeof p === 'string' ? clean(p) : p);

/** `?` markers → `$n`, with the parameters cleaned. */
export function toPg(sql: string, params: unknown[]): Sql {
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  if (n !== params.length) throw new Error(`SQL has ${n} markers for ${params.length} parameters`);
  return { sql: text, params: params.map(cleanParam) };
}

/** Schema names are restricted to plain identifiers, so they never need escaping. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name '${schema}' (use [a-z_][a-z0-9_]*)`);
  return schema;
}
