/**
 * The SQLite adapter of the storage port (better-sqlite3, WAL). One write connection with group
 * commit; one read connection, which never sees uncommitted writes.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type { AuditChainLink, HistoryEntry, Storage, StorageTx, TransactionOptions } from '../../engine/storage-port.js';
import { GroupCommit } from './group-commit.js';
import { ParamIds } from './index-writer.js';
import { migrate } from './migrations.js';
import { SqliteReads } from './sqlite-reads.js';
import { SqliteTx } from './sqlite-tx.js';

export type SqliteSynchronous = 'FULL' | 'NORMAL' | 'EXTRA';

export interface SqliteOptions {
  /** Database file path (`:memory:` is not supported: the read connection needs a file). */
  file: string;
  /** PRAGMA synchronous. FULL (default) makes every acknowledged commit durable on power loss. */
  synchronous?: SqliteSynchronous;
  /** Maximum units of work per group commit. */
  maxBatch?: number;
  /** Page cache per connection, in MiB. */
  cacheMiB?: number;
}

export class SqliteStorage extends SqliteReads implements Storage {
  private readonly writeDb: BetterSqlite3.Database;
  private readonly tx: SqliteTx;
  private readonly group: GroupCommit;
  private closed = false;

  private constructor(readDb: BetterSqlite3.Database, writeDb: BetterSqlite3.Database, params: ParamIds, writeParams: ParamIds, maxBatch: number, synchronous: string) {
    super(readDb, params);
    this.writeDb = writeDb;
    this.tx = new SqliteTx(writeDb, writeParams);
    this.group = new GroupCommit(writeDb, maxBatch, synchronous);
  }

  static open(options: SqliteOptions): SqliteStorage {
    const cachePages = -1024 * (options.cacheMiB ?? 64);
    const writeDb = new Database(options.file);
    writeDb.pragma('journal_mode = WAL');
    writeDb.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    writeDb.pragma(`cache_size = ${cachePages}`);
    writeDb.pragma('busy_timeout = 5000');
    writeDb.pragma('foreign_keys = OFF');
    writeDb.pragma('wal_autocheckpoint = 16384');
    migrate(writeDb);
    const readDb = new Database(options.file, { readonly: true });
    readDb.pragma(`cache_size = ${cachePages}`);
    readDb.pragma('busy_timeout = 5000');
    return new SqliteStorage(readDb, writeDb, new ParamIds(readDb), new ParamIds(writeDb), options.maxBatch ?? 256, options.synchronous ?? 'FULL');
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return this.group.run(() => fn(this.tx), options?.durable ?? true);
  }

  async auditChain(afterSeq: number, limit: number): Promise<AuditChainLink[]> {
    return this.cache
      .get('SELECT seq, event_id AS eventId, hash FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as AuditChainLink[];
  }

  async exportVersions(afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    return this.versionsAfter(afterSeq, limit);
  }

  async ping(): Promise<void> {
    this.cache.get('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.group.drain();
    this.db.close();
    this.writeDb.pragma('wal_checkpoint(TRUNCATE)');
    this.writeDb.close();
  }
}
