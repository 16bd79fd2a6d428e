/**
 * The `pg` connection pool of the adapter: every connection uses the store's schema
 * (`search_path` as a start-up parameter, no extra round trip), durable commits
 * (`synchronous_commit=on`) and READ COMMITTED; bigint columns are read as JS numbers (epoch
 * milliseconds and row ids stay far below 2^53).
 */
import pg from 'pg';
import { checkSchemaName } from './sql.js';

export interface PoolOptions {
  connectionString: string;
  schema: string;
  /** Maximum connections of this node (default 20). */
  poolSize?: number;
  /** How long to wait for a connection before failing with "unavailable" (default 5000 ms). */
  connectTimeoutMs?: number;
}

const INT8_OID = 20;
const parseInt8 = (v: string): number => Number(v);

/** Type parsers of this pool only (the global `pg.types` are left alone). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export function createPool(o: PoolOptions, onIdleError: (e: Error) => void): pg.Pool {
  const schema = checkSchemaName(o.schema);
  const pool = new pg.Pool({
    connectionString: o.connectionString,
    max: o.poolSize ?? 20,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    types,
    options: `-c search_path=${schema} -c synchronous_commit=on -c idle_in_transaction_session_timeout=60000`,
    application_name: 'cahier-de-liaison',
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and opens a new one on demand.
  pool.on('error', onIdleError);
  return pool;
}
