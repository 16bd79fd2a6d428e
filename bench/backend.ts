/**
 * Which storage our server runs on in a benchmark, and how many server processes: the embedded
 * SQLite database (one process), or PostgreSQL with one or more processes on one fresh schema.
 * Written on the command line as `sqlite`, `pg1`, `pg2` … (`--backend`, `--backends`).
 */

export type Backend = { kind: 'sqlite' } | { kind: 'postgres'; nodes: number };

/** The local PostgreSQL of this machine kind (trust auth, database `test`). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const MAX_NODES = 8;

/** `sqlite`; `pg`, `postgres` (one node); `pg2`, `postgres:2`, `pg-2` (two nodes) … */
export function parseBackend(text: string): Backend {
  const t = text.trim().toLowerCase();
  if (t === 'sqlite') return { kind: 'sqlite' };
  const m = /^(?:pg|postgres|postgresql)(?:[:-]?(\d+))?$/.exec(t);
  const nodes = m ? Number(m[1] ?? 1) : NaN;
  if (!m || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new Error(`unknown backend '${text}': sqlite, pg (one node) or pg<n> (n server processes on one PostgreSQL schema, n ≤ ${MAX_NODES})`);
  }
  return { kind: 'postgres', nodes };
}

/** Comma-separated list, e.g. `sqlite,pg1,pg2`; each backend at most once. */
export function parseBackends(text: string): Backend[] {
  const list = text.split(',').filter((s) => s.trim() !== '').map(parseBackend);
  const keys = list.map(backendKey);
  if (list.length === 0) throw new Error('--backends needs at least one backend, e.g. sqlite,pg1,pg2');
  if (new Set(keys).size !== keys.length) throw new Error(`--backends lists a backend twice: ${keys.join(',')}`);
  return list;
}

/** Short stable key: `sqlite`, `pg1`, `pg2` (server names, JSON keys, file names). */
export const backendKey = (b: Backend): string => (b.kind === 'sqlite' ? 'sqlite' : `pg${b.nodes}`);

/** Human label: `SQLite`, `PostgreSQL, 1 node`, `PostgreSQL, 2 nodes`. */
export const backendLabel = (b: Backend): string => (b.kind === 'sqlite' ? 'SQLite' : `PostgreSQL, ${b.nodes} node${b.nodes > 1 ? 's' : ''}`);

/** What ours runs with on that backend (recorded in the results). */
export function backendDescription(b: Backend): string {
  const common = 'authentication on (system bench token), audit on, CDL_RATE_LIMIT=0';
  if (b.kind === 'sqlite') return `cahier-de-liaison (dist/src/cli/start.js), fresh data directory, SQLite WAL with synchronous=FULL, ${common}`;
  const split = b.nodes > 1 ? `, the load's connections split evenly over the ${b.nodes} processes (autocannon, one URL per process)` : '';
  return (
    `cahier-de-liaison (dist/src/cli/start.js) × ${b.nodes} process${b.nodes > 1 ? 'es' : ''} on one fresh PostgreSQL schema ` +
    `(created by the server's migrations, dropped at the end), synchronous_commit=on, pool of CDL_DATABASE_POOL_SIZE (default 20) per process${split}, ${common}`
  );
}
