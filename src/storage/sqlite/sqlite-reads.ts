/** Read operations of the SQLite adapter; every one compiles the caller's access constraint in. */
import type BetterSqlite3 from 'better-sqlite3';
import type { AccessConstraint } from '../../engine/access-constraint.js';
import type { HistoryEntry, HistoryQuery, SearchQuery, SearchResult, StorageReader, StoredVersion } from '../../engine/storage-port.js';
import { accessPredicate } from '../access-sql.js';
import type { ParamIds } from './index-writer.js';
import { SqliteSearch } from './search-exec.js';
import { StatementCache } from './statement-cache.js';

interface VersionRow {
  type: string;
  id: string;
  version: number;
  last_updated: number;
  deleted: number;
  method: StoredVersion['method'];
  json: string | null;
  patient_id?: string | null;
}

const toStored = (r: VersionRow): StoredVersion => ({
  patientId: r.patient_id ?? null,
  type: r.type,
  id: r.id,
  version: r.version,
  lastUpdated: r.last_updated,
  deleted: r.deleted === 1,
  json: r.json,
  method: r.method,
});

export class SqliteReads implements StorageReader {
  protected readonly cache: StatementCache;
  private readonly searcher: SqliteSearch;
  protected readonly pidOf: (type: string, code: string) => number;

  constructor(
    protected readonly db: BetterSqlite3.Database,
    protected readonly params: ParamIds,
  ) {
    this.cache = new StatementCache(db);
    this.pidOf = (type, code) => params.find(type, code) ?? -1;
    this.searcher = new SqliteSearch(db, this.pidOf);
  }

  /** ` AND <predicate>` for alias `r`, with its params (empty when unrestricted). */
  protected access(access: AccessConstraint | undefined, versionMask?: string): { sql: string; params: unknown[] } {
    const opts = versionMask ? { authorPid: this.pidOf('DocumentReference', 'author'), versionMask } : { authorPid: this.pidOf('DocumentReference', 'author') };
    const p = accessPredicate(access, 'r', opts);
    return p ? { sql: ` AND ${p.sql}`, params: p.params } : { sql: '', params: [] };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    return this.searcher.run(query);
  }

  async readCurrent(type: string, id: string, access?: AccessConstraint): Promise<StoredVersion | undefined> {
    const a = this.access(access);
    const row = this.cache
      .get(`SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.method, h.json, r.patient_id
        FROM resources r JOIN history h ON h.hid = r.hid WHERE r.type = ? AND r.id = ?${a.sql}`)
      .get(type, id, ...a.params) as VersionRow | undefined;
    return row && toStored(row);
  }

  async readVersion(type: string, id: string, version: number, access?: AccessConstraint): Promise<StoredVersion | undefined> {
    const a = this.access(access, 'h.label_mask');
    const row = this.cache
      .get(`SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, r.patient_id
        FROM resources r JOIN history h ON h.rid = r.rid WHERE r.type = ? AND r.id = ? AND h.version = ?${a.sql}`)
      .get(type, id, version, ...a.params) as VersionRow | undefined;
    return row && toStored(row);
  }

  async readBlob(type: string, id: string, version: number, access?: AccessConstraint): Promise<Buffer | undefined> {
    const a = this.access(access, 'h.label_mask');
    return this.cache
      .get(`SELECT b.data FROM resources r JOIN history h ON h.rid = r.rid JOIN blobs b ON b.hid = h.hid
        WHERE r.type = ? AND r.id = ? AND h.version = ?${a.sql}`)
      .pluck()
      .get(type, id, version, ...a.params) as Buffer | undefined;
  }

  private historyWhere(q: Partial<HistoryQuery>, access: AccessConstraint | undefined): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.type !== undefined) {
      where.push('h.type = ?');
      params.push(q.type);
    }
    if (q.id !== undefined) {
      where.push('r.id = ?');
      params.push(q.id);
    }
    if (q.since !== undefined) {
      where.push('h.last_updated >= ?');
      params.push(q.since);
    }
    if (q.before !== undefined) {
      where.push('h.last_updated < ?');
      params.push(q.before);
    }
    if (q.after !== undefined) {
      where.push('(h.last_updated < ? OR (h.last_updated = ? AND h.hid < ?))');
      params.push(q.after.lastUpdated, q.after.lastUpdated, q.after.seq);
    }
    const a = this.access(access, 'h.label_mask');
    const cond = where.length > 0 ? `WHERE ${where.join(' AND ')}${a.sql}` : a.sql ? `WHERE 1${a.sql}` : '';
    return { sql: cond, params: [...params, ...a.params] };
  }

  async history(q: HistoryQuery, access?: AccessConstraint): Promise<HistoryEntry[]> {
    const w = this.historyWhere(q, access);
    const rows = this.cache
      .get(`SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, h.hid, r.patient_id
        FROM history h JOIN resources r ON r.rid = h.rid ${w.sql} ORDER BY h.last_updated DESC, h.hid DESC LIMIT ?`)
      .all(...w.params, q.count) as Array<VersionRow & { hid: number }>;
    return rows.map((r) => ({ ...toStored(r), seq: r.hid }));
  }

  /** Every version after storage sequence `afterSeq`, in storage order (for export). */
  protected versionsAfter(afterSeq: number, limit: number): HistoryEntry[] {
    const rows = this.cache
      .get(`SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, h.hid, r.patient_id
        FROM history h JOIN resources r ON r.rid = h.rid WHERE h.hid > ? ORDER BY h.hid LIMIT ?`)
      .all(afterSeq, limit) as Array<VersionRow & { hid: number }>;
    return rows.map((r) => ({ ...toStored(r), seq: r.hid }));
  }

  async countHistory(q: Omit<HistoryQuery, 'count' | 'after'>, access?: AccessConstraint): Promise<number> {
    const w = this.historyWhere(q, access);
    return this.cache.get(`SELECT count(*) FROM history h JOIN resources r ON r.rid = h.rid ${w.sql}`).pluck().get(...w.params) as number;
  }
}
