/**
 * Read operations of the PostgreSQL adapter, over a pool (autocommit reads, READ COMMITTED: only
 * committed data is ever seen) or over a transaction's connection (which also sees its own
 * writes). Every read compiles the caller's access constraint in (`../access-sql.ts`).
 */
import type { AccessConstraint } from '../../engine/access-constraint.js';
import { isUnrestricted } from '../../engine/access-constraint.js';
import type { HistoryEntry, HistoryQuery, SearchQuery, SearchResult, StorageReader, StoredVersion } from '../../engine/storage-port.js';
import { accessPredicate } from '../access-sql.js';
import type { ParamIds } from './param-ids.js';
import { run, runSearch } from './search-exec.js';
import { searchParamsUsed } from './search-params-used.js';
import type { Query, Sql } from './sql.js';

interface VersionRow {
  type: string;
  id: string;
  version: number;
  last_updated: number;
  deleted: number | boolean;
  method: StoredVersion['method'];
  json: string | null;
  patient_id?: string | null;
}

export const toStored = (r: VersionRow): StoredVersion => ({
  patientId: r.patient_id ?? null,
  type: r.type,
  id: r.id,
  version: r.version,
  lastUpdated: r.last_updated,
  deleted: r.deleted === 1 || r.deleted === true,
  json: r.json,
  method: r.method,
});

const AUTHOR: [string, string] = ['DocumentReference', 'author'];

export class PgReads implements StorageReader {
  constructor(
    protected readonly query: Query,
    protected readonly params: ParamIds,
    /** Parameter ids seen or created by the enclosing transaction (absent outside one). */
    protected readonly overlay?: Map<string, number>,
  ) {}

  protected pidOf = (type: string, code: string): number => this.params.pidOf(type, code, this.overlay);

  /** Runs a multi-statement read on one snapshot (overridden by the storage; a transaction already has one). */
  protected withSnapshot<T>(fn: (query: Query) => Promise<T>): Promise<T> {
    return fn(this.query);
  }

  /** ` AND <predicate>` on alias `r` (empty when unrestricted). */
  private async access(access: AccessConstraint | undefined, versionMask?: string): Promise<Sql> {
    if (isUnrestricted(access)) return { sql: '', params: [] };
    await this.params.load(this.query, [AUTHOR], this.overlay);
    const authorPid = this.pidOf(...AUTHOR);
    const p = accessPredicate(access, 'r', versionMask ? { authorPid, versionMask } : { authorPid });
    return p ? { sql: ` AND ${p.sql}`, params: p.params } : { sql: '', params: [] };
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    const multi = q.countTotal || q.request.include.length > 0 || q.request.revinclude.length > 0;
    const body = async (query: Query) => {
      await this.params.load(query, searchParamsUsed(q.request, !isUnrestricted(q.access)), this.overlay);
      return runSearch(query, this.pidOf, q);
    };
    return multi ? this.withSnapshot(body) : body(this.query);
  }

  async readCurrent(type: string, id: string, access?: AccessConstraint): Promise<StoredVersion | undefined> {
    const a = await this.access(access);
    const [row] = await run<VersionRow>(this.query, {
      sql: `SELECT r.type, r.id, r.version, r.last_updated, r.deleted, h.method, h.json, r.patient_id
        FROM resources r JOIN history h ON h.hid = r.hid WHERE r.type = ? AND r.id = ?${a.sql}`,
      params: [type, id, ...a.params],
    });
    return row && toStored(row);
  }

  async readVersion(type: string, id: string, version: number, access?: AccessConstraint): Promise<StoredVersion | undefined> {
    const a = await this.access(access, 'h.label_mask');
    const [row] = await run<VersionRow>(this.query, {
      sql: `SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, r.patient_id
        FROM resources r JOIN history h ON h.rid = r.rid WHERE r.type = ? AND r.id = ? AND h.version = ?${a.sql}`,
      params: [type, id, version, ...a.params],
    });
    return row && toStored(row);
  }

  async readBlob(type: string, id: string, version: number, access?: AccessConstraint): Promise<Buffer | undefined> {
    const a = await this.access(access, 'h.label_mask');
    const [row] = await run<{ data: Buffer }>(this.query, {
      sql: `SELECT b.data FROM resources r JOIN history h ON h.rid = r.rid JOIN blobs b ON b.hid = h.hid
        WHERE r.type = ? AND r.id = ? AND h.version = ?${a.sql}`,
      params: [type, id, version, ...a.params],
    });
    return row?.data;
  }

  private async historyWhere(q: Partial<HistoryQuery>, access: AccessConstraint | undefined): Promise<Sql> {
    const where: string[] = ['TRUE'];
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
    const a = await this.access(access, 'h.label_mask');
    return { sql: `WHERE ${where.join(' AND ')}${a.sql}`, params: [...params, ...a.params] };
  }

  async history(q: HistoryQuery, access?: AccessConstraint): Promise<HistoryEntry[]> {
    const w = await this.historyWhere(q, access);
    const rows = await run<VersionRow & { hid: number }>(this.query, {
      sql: `SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, h.hid, r.patient_id
        FROM history h JOIN resources r ON r.rid = h.rid ${w.sql} ORDER BY h.last_updated DESC, h.hid DESC LIMIT ?`,
      params: [...w.params, q.count],
    });
    return rows.map((r) => ({ ...toStored(r), seq: r.hid }));
  }

  /** Every version after storage sequence `afterSeq`, in storage order (for export). */
  protected async versionsAfter(afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.query<VersionRow & { hid: number }>(
      `SELECT r.type, r.id, h.version, h.last_updated, (h.json IS NULL) AS deleted, h.method, h.json, h.hid, r.patient_id
       FROM history h JOIN resources r ON r.rid = h.rid WHERE h.hid > $1 ORDER BY h.hid LIMIT $2`,
      [afterSeq, limit],
      'cdl_export_versions',
    );
    return rows.map((r) => ({ ...toStored(r), seq: r.hid }));
  }

  async countHistory(q: Omit<HistoryQuery, 'count' | 'after'>, access?: AccessConstraint): Promise<number> {
    const w = await this.historyWhere(q, access);
    const [row] = await run<{ n: number }>(this.query, {
      sql: `SELECT count(*)::int AS n FROM history h JOIN resources r ON r.rid = h.rid ${w.sql}`,
      params: w.params,
    });
    return row!.n;
  }
}
