/**
 * The SQLite adapter of the storage port (better-sqlite3, WAL). One write connection with group
 * commit; one read connection, which never sees uncommitted writes.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type {
  DeleteWrite,
  HistoryEntry,
  HistoryQuery,
  Link,
  SearchQuery,
  SearchResult,
  Storage,
  StorageReader,
  StorageTx,
  StoredVersion,
  VersionWrite,
} from '../../engine/storage-port.js';
import { GroupCommit } from './group-commit.js';
import { IndexWriter, ParamIds } from './index-writer.js';
import { migrate } from './migrations.js';
import { SqliteSearch } from './search-exec.js';

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

interface VersionRow {
  type: string;
  id: string;
  version: number;
  last_updated: number;
  deleted: number;
  method: StoredVersion['method'];
  json: string | null;
}

const toStored = (r: VersionRow): StoredVersion => ({
  type: r.type,
  id: r.id,
  version: r.version,
  lastUpdated: r.last_updated,
  deleted: r.deleted === 1,
  json: r.json,
  method: r.method,
});

const CURRENT_SQL = `SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.method, h.json
  FROM resources r JOIN history h ON h.hid = r.hid WHERE r.type = ? AND r.id = ?`;
const VERSION_SQL = `SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json
  FROM resources r JOIN history h ON h.rid = r.rid WHERE r.type = ? AND r.id = ? AND h.version = ?`;
const BLOB_SQL = `SELECT b.data FROM resources r JOIN history h ON h.rid = r.rid JOIN blobs b ON b.hid = h.hid
  WHERE r.type = ? AND r.id = ? AND h.version = ?`;

/** Read-side statements, prepared on one connection. */
class Reads implements StorageReader {
  private readonly current: BetterSqlite3.Statement;
  private readonly version: BetterSqlite3.Statement;
  private readonly blob: BetterSqlite3.Statement;
  private readonly tokenIds: BetterSqlite3.Statement;
  private readonly tokenIdsAnySystem: BetterSqlite3.Statement;
  private readonly historyCache = new Map<string, BetterSqlite3.Statement>();
  private readonly searcher: SqliteSearch;

  constructor(
    protected readonly db: BetterSqlite3.Database,
    protected readonly params: ParamIds,
  ) {
    this.current = db.prepare(CURRENT_SQL);
    this.version = db.prepare(VERSION_SQL);
    this.blob = db.prepare(BLOB_SQL).pluck();
    const token = `SELECT r.id FROM sp_token t JOIN resources r ON r.rid = t.rid
      WHERE t.pid = ? AND t.code = ? AND r.deleted = 0`;
    this.tokenIds = db.prepare(`${token} AND t.system = ? LIMIT 1000`).pluck();
    this.tokenIdsAnySystem = db.prepare(`${token} LIMIT 1000`).pluck();
    this.searcher = new SqliteSearch(db, (type, code) => params.find(type, code) ?? -1);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    return this.searcher.run(query);
  }

  async readCurrent(type: string, id: string): Promise<StoredVersion | undefined> {
    const row = this.current.get(type, id) as VersionRow | undefined;
    return row && toStored(row);
  }

  async readVersion(type: string, id: string, version: number): Promise<StoredVersion | undefined> {
    const row = this.version.get(type, id, version) as VersionRow | undefined;
    return row && toStored(row);
  }

  async readBlob(type: string, id: string, version: number): Promise<Buffer | undefined> {
    return this.blob.get(type, id, version) as Buffer | undefined;
  }

  async findIdsByToken(type: string, param: string, system: string | null, code: string): Promise<string[]> {
    const pid = this.params.find(type, param);
    if (pid === undefined) return [];
    const ids = system === null ? this.tokenIdsAnySystem.all(pid, code) : this.tokenIds.all(pid, code, system);
    return [...new Set(ids as string[])];
  }

  private historyStatement(q: Omit<HistoryQuery, 'count'>, counting: boolean): BetterSqlite3.Statement {
    const where: string[] = [];
    if (q.type !== undefined) where.push('h.type = @type');
    if (q.id !== undefined) where.push('r.id = @id');
    if (q.since !== undefined) where.push('h.last_updated >= @since');
    if (q.before !== undefined) where.push('h.last_updated < @before');
    if (q.after !== undefined) where.push('(h.last_updated < @afterLu OR (h.last_updated = @afterLu AND h.hid < @afterSeq))');
    const key = `${counting}:${where.join(',')}`;
    let st = this.historyCache.get(key);
    if (!st) {
      const cond = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      st = counting
        ? this.db.prepare(`SELECT count(*) FROM history h JOIN resources r ON r.rid = h.rid ${cond}`).pluck()
        : this.db.prepare(`SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, h.hid
            FROM history h JOIN resources r ON r.rid = h.rid ${cond}
            ORDER BY h.last_updated DESC, h.hid DESC LIMIT @count`);
      this.historyCache.set(key, st);
    }
    return st;
  }

  private historyParams(q: Partial<HistoryQuery>): Record<string, unknown> {
    const p: Record<string, unknown> = {};
    if (q.type !== undefined) p.type = q.type;
    if (q.id !== undefined) p.id = q.id;
    if (q.since !== undefined) p.since = q.since;
    if (q.before !== undefined) p.before = q.before;
    if (q.after !== undefined) {
      p.afterLu = q.after.lastUpdated;
      p.afterSeq = q.after.seq;
    }
    if (q.count !== undefined) p.count = q.count;
    return p;
  }

  async history(q: HistoryQuery): Promise<HistoryEntry[]> {
    const rows = this.historyStatement(q, false).all(this.historyParams(q)) as Array<VersionRow & { hid: number }>;
    return rows.map((r) => ({ ...toStored(r), seq: r.hid }));
  }

  async countHistory(q: Omit<HistoryQuery, 'count' | 'after'>): Promise<number> {
    return this.historyStatement(q, true).get(this.historyParams(q)) as number;
  }
}

/** Write-side operations, used only inside a group-commit unit. */
class Tx extends Reads implements StorageTx {
  private readonly rid: BetterSqlite3.Statement;
  private readonly insertResource: BetterSqlite3.Statement;
  private readonly updateResource: BetterSqlite3.Statement;
  private readonly insertHistory: BetterSqlite3.Statement;
  private readonly insertBlob: BetterSqlite3.Statement;
  private readonly exists: BetterSqlite3.Statement;
  private readonly referrers: BetterSqlite3.Statement;
  private readonly index: IndexWriter;

  constructor(db: BetterSqlite3.Database, params: ParamIds) {
    super(db, params);
    this.rid = db.prepare('SELECT rid FROM resources WHERE type = ? AND id = ?').pluck();
    this.insertResource = db.prepare(
      'INSERT INTO resources (type, id, version, last_updated, deleted, hid) VALUES (?, ?, ?, ?, ?, 0)',
    );
    this.updateResource = db.prepare('UPDATE resources SET version = ?, last_updated = ?, deleted = ?, hid = ? WHERE rid = ?');
    this.insertHistory = db.prepare(
      'INSERT INTO history (rid, type, version, last_updated, method, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertBlob = db.prepare('INSERT INTO blobs (hid, data) VALUES (?, ?)');
    this.exists = db.prepare('SELECT 1 FROM resources WHERE type = ? AND id = ? AND deleted = 0').pluck();
    this.referrers = db.prepare(
      `SELECT DISTINCT r.type, r.id FROM links l JOIN resources r ON r.rid = l.rid
       WHERE l.target_id = ? AND l.target_type = ? AND r.deleted = 0 AND NOT (r.type = ? AND r.id = ?) LIMIT ?`,
    );
    this.index = new IndexWriter(db, params);
  }

  readForUpdate(type: string, id: string): Promise<StoredVersion | undefined> {
    // The single write connection holds the database's write lock for the whole batch.
    return this.readCurrent(type, id);
  }

  async existing(targets: Link[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const t of targets) if (this.exists.get(t.targetType, t.targetId) !== undefined) found.add(`${t.targetType}/${t.targetId}`);
    return found;
  }

  async referencedBy(targetType: string, targetId: string, limit: number): Promise<Link[]> {
    const rows = this.referrers.all(targetId, targetType, targetType, targetId, limit) as Array<{ type: string; id: string }>;
    return rows.map((r) => ({ targetType: r.type, targetId: r.id }));
  }

  private upsert(type: string, id: string, version: number, lastUpdated: number, deleted: boolean, method: string, json: string | null): { rid: number; hid: number } {
    let rid = this.rid.get(type, id) as number | undefined;
    if (rid === undefined) rid = Number(this.insertResource.run(type, id, version, lastUpdated, deleted ? 1 : 0).lastInsertRowid);
    const hid = Number(this.insertHistory.run(rid, type, version, lastUpdated, method, json).lastInsertRowid);
    this.updateResource.run(version, lastUpdated, deleted ? 1 : 0, hid, rid);
    return { rid, hid };
  }

  async writeVersion(w: VersionWrite): Promise<void> {
    const { rid, hid } = this.upsert(w.type, w.id, w.version, w.lastUpdated, false, w.method, w.json);
    if (w.blob) this.insertBlob.run(hid, w.blob);
    this.index.clear(rid);
    this.index.write(rid, w.type, w.index, w.links);
  }

  async deleteVersion(w: DeleteWrite): Promise<void> {
    const { rid } = this.upsert(w.type, w.id, w.version, w.lastUpdated, true, 'DELETE', null);
    this.index.clear(rid);
  }
}

export class SqliteStorage extends Reads implements Storage {
  private readonly writeDb: BetterSqlite3.Database;
  private readonly tx: Tx;
  private readonly group: GroupCommit;
  private closed = false;

  private constructor(readDb: BetterSqlite3.Database, writeDb: BetterSqlite3.Database, params: ParamIds, writeParams: ParamIds, maxBatch: number) {
    super(readDb, params);
    this.writeDb = writeDb;
    this.tx = new Tx(writeDb, writeParams);
    this.group = new GroupCommit(writeDb, maxBatch);
  }

  static open(options: SqliteOptions): SqliteStorage {
    const cachePages = -1024 * (options.cacheMiB ?? 64);
    const writeDb = new Database(options.file);
    writeDb.pragma('journal_mode = WAL');
    writeDb.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    writeDb.pragma(`cache_size = ${cachePages}`);
    writeDb.pragma('busy_timeout = 5000');
    writeDb.pragma('foreign_keys = OFF');
    migrate(writeDb);
    const readDb = new Database(options.file, { readonly: true });
    readDb.pragma(`cache_size = ${cachePages}`);
    readDb.pragma('busy_timeout = 5000');
    return new SqliteStorage(readDb, writeDb, new ParamIds(readDb), new ParamIds(writeDb), options.maxBatch ?? 256);
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return this.group.run(() => fn(this.tx));
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
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
