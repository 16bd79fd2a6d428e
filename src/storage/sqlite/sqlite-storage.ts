/**
 * The SQLite adapter of the storage port (better-sqlite3, WAL). One write connection with group
 * commit; one read connection, which never sees uncommitted writes.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { appendChained } from '../../engine/audit/audit-chain.js';
import type { AuditChainLink, HistoryEntry, Storage, StorageTx, VersionWrite } from '../../engine/storage-port.js';
import { AuditWorker } from './audit-worker.js';
import { configureWriter } from './connection-settings.js';
import { GroupCommit } from './group-commit.js';
import { ParamIds } from './index-writer.js';
import { migrate } from './migrations.js';
import { SqliteReads } from './sqlite-reads.js';
import { SqliteTx } from './sqlite-tx.js';
import { WalSync } from './wal-sync.js';

export type SqliteSynchronous = 'FULL' | 'NORMAL' | 'EXTRA';

export interface SqliteOptions {
  /** Database file path (`:memory:` is not supported: the read connection needs a file). */
  file: string;
  /**
   * FULL (default): every acknowledged commit is on stable storage (power loss included); the
   * WAL is synced off the event loop (see WalSync). NORMAL: commits survive a crash of the process,
   * not of the machine. EXTRA: SQLite's own PRAGMA synchronous=EXTRA, syncing inside COMMIT.
   */
  synchronous?: SqliteSynchronous;
  /** Maximum units of work per group commit. */
  maxBatch?: number;
  /** Page cache per connection, in MiB. */
  cacheMiB?: number;
  /** Write AuditEvents from a worker thread (default true); false writes them in process. */
  auditWorker?: boolean;
}

export class SqliteStorage extends SqliteReads implements Storage {
  private readonly writeDb: BetterSqlite3.Database;
  private readonly tx: SqliteTx;
  private readonly group: GroupCommit;
  private readonly walSync: WalSync | undefined;
  private readonly auditWorker: AuditWorker | undefined;
  private closed = false;

  private constructor(readDb: BetterSqlite3.Database, writeDb: BetterSqlite3.Database, params: ParamIds, writeParams: ParamIds, maxBatch: number, walSync: WalSync | undefined, auditWorker: AuditWorker | undefined) {
    super(readDb, params);
    this.writeDb = writeDb;
    this.walSync = walSync;
    this.auditWorker = auditWorker;
    this.tx = new SqliteTx(writeDb, writeParams);
    this.group = new GroupCommit(writeDb, maxBatch, walSync);
  }

  static open(options: SqliteOptions): SqliteStorage {
    const cachePages = -1024 * (options.cacheMiB ?? 64);
    const writeDb = new Database(options.file);
    const synchronous = options.synchronous ?? 'FULL';
    // FULL is implemented by WalSync on top of NORMAL commits.
    configureWriter(writeDb, { synchronous: synchronous === 'FULL' ? 'NORMAL' : synchronous, cacheMiB: options.cacheMiB ?? 64 });
    migrate(writeDb);
    const readDb = new Database(options.file, { readonly: true });
    readDb.pragma(`cache_size = ${cachePages}`);
    readDb.pragma('busy_timeout = 5000');
    readDb.pragma('temp_store = MEMORY');
    // The migrations wrote to the WAL: its file exists, and stays while a connection is open.
    const walSync = synchronous === 'FULL' ? new WalSync(`${options.file}-wal`) : undefined;
    const auditWorker = options.auditWorker === false ? undefined : new AuditWorker({ file: options.file, cacheMiB: Math.min(options.cacheMiB ?? 64, 16) });
    return new SqliteStorage(readDb, writeDb, new ParamIds(readDb), new ParamIds(writeDb), options.maxBatch ?? 256, walSync, auditWorker);
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return this.group.run(() => fn(this.tx));
  }

  appendAuditEvents(events: VersionWrite[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    const worker = this.auditWorker;
    if (worker && !worker.failed) {
      // The worker writes while this connection is idle (it holds no lock meanwhile).
      return this.group.exclusive(() => worker.append(events)).catch((e: unknown) => {
        if (!worker.failed) throw e;
        // The thread died (its transaction rolled back with it): write here from now on.
        return this.group.run(() => appendChained(this.tx, events), false);
      });
    }
    return this.group.run(() => appendChained(this.tx, events), false);
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
    await this.auditWorker?.close();
    await this.walSync?.close();
    this.db.close();
    this.writeDb.pragma('wal_checkpoint(TRUNCATE)');
    this.writeDb.close();
  }
}
