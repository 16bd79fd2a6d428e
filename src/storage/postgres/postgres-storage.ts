/**
 * The PostgreSQL adapter of the storage port (`pg`), for several stateless server nodes on one
 * database. Reads run on the pool (READ COMMITTED: committed data only; a search that needs
 * several statements runs them on one REPEATABLE READ snapshot). `transaction(fn)` runs `fn` on
 * one pooled connection between BEGIN and COMMIT; `tx.ts` explains how concurrent writers stay
 * correct. Commits are durable when acknowledged (`synchronous_commit=on`); PostgreSQL groups the
 * WAL flushes of concurrent commits by itself.
 */
import type pg from 'pg';
import type { AuditChainLink, HistoryEntry, Storage, StorageTx, VersionWrite } from '../../engine/storage-port.js';
import { appendChained } from '../../engine/audit/audit-chain.js';
import { StorageUnavailableError, translateError, unavailableReason } from './errors.js';
import { migrate } from './migrations.js';
import { ParamIds } from './param-ids.js';
import { createPool } from './pool.js';
import { queryOf } from './queryable.js';
import { PgReads } from './reads.js';
import type { Query } from './sql.js';
import { PgTx } from './tx.js';

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database?...` */
  connectionString: string;
  /** Schema holding the tables (created when missing); default `public`. */
  schema?: string;
  /** Maximum connections of this node (default 20). */
  poolSize?: number;
  /** How long a request may wait for a connection before failing as unavailable (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Called with errors of idle connections (e.g. the server restarted); the pool replaces them. */
  onIdleError?: (e: Error) => void;
}

export class PostgresStorage extends PgReads implements Storage {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    params: ParamIds,
  ) {
    super(queryOf(pool), params);
  }

  /** Connects, creates the schema when missing and applies pending migrations (once across nodes). */
  static async open(o: PostgresOptions): Promise<PostgresStorage> {
    const schema = o.schema ?? 'public';
    const poolOptions = { connectionString: o.connectionString, schema, ...(o.poolSize ? { poolSize: o.poolSize } : {}), ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}) };
    const pool = createPool(poolOptions, o.onIdleError ?? (() => undefined));
    try {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken = e;
      };
      client.on('error', onError);
      try {
        await migrate(client, schema);
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      translateError(e);
    }
    return new PostgresStorage(pool, schema, new ParamIds());
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closed) throw new Error('storage is closed');
    try {
      return await this.pool.connect();
    } catch (e) {
      return translateError(e);
    }
  }

  /** Runs `fn` between `begin` and COMMIT on one connection; ROLLBACK when it throws. */
  private async onConnection<T>(begin: string, fn: (query: Query, client: pg.PoolClient) => Promise<T>, after?: () => void): Promise<T> {
    const client = await this.connect();
    // The pool listens for errors of idle connections only: a checked-out connection dropped by
    // the server between two statements would otherwise raise an uncaught 'error' event.
    let broken: Error | undefined;
    const onError = (e: Error) => {
      broken = e;
    };
    client.on('error', onError);
    const query = queryOf(client);
    try {
      await query(begin);
      const value = await fn(query, client);
      await query('COMMIT');
      after?.();
      return value;
    } catch (e) {
      if (unavailableReason(e) === 'connection') broken ??= e instanceof Error ? e : new Error(String(e));
      if (!broken) await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw e;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  appendAuditEvents(events: VersionWrite[]): Promise<void> {
    // PostgreSQL does the work in its own processes; the chain head is locked by auditChainHead.
    return this.inTransaction('BEGIN; SET LOCAL synchronous_commit = off', (tx) => appendChained(tx, events));
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', fn);
  }

  private inTransaction<T>(begin: string, fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    const overlay = new Map<string, number>();
    return this.onConnection(
      begin,
      (query) => fn(new PgTx(query, this.params, overlay, this.schema)),
      () => this.params.merge(overlay),
    );
  }

  protected override withSnapshot<T>(fn: (query: Query) => Promise<T>): Promise<T> {
    return this.onConnection('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (query) => fn(query));
  }

  async auditChain(afterSeq: number, limit: number): Promise<AuditChainLink[]> {
    return this.query<AuditChainLink>('SELECT seq, event_id AS "eventId", hash FROM audit_chain WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
  }

  exportVersions(afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    return this.versionsAfter(afterSeq, limit);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StorageUnavailableError('connection', new Error('storage is closed'));
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
