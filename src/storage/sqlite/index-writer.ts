/**
 * Writes a resource's search index rows and reference links (current version only), with
 * prepared statements and a cache of search-parameter ids.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { IndexEntry } from '../../fhir/search/index-entry.js';
import type { Link } from '../../engine/storage-port.js';

const INDEX_TABLES = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri', 'links'] as const;

/** Clamps ±Infinity (open date/number ranges) to values SQLite stores as integers/reals. */
const finite = (n: number): number => (n === Infinity ? Number.MAX_SAFE_INTEGER : n === -Infinity ? Number.MIN_SAFE_INTEGER : n);

export class ParamIds {
  private readonly cache = new Map<string, number>();
  private readonly select: BetterSqlite3.Statement;
  private readonly insert: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.select = db.prepare('SELECT pid FROM search_params WHERE type = ? AND code = ?').pluck();
    this.insert = db.prepare('INSERT OR IGNORE INTO search_params (type, code) VALUES (?, ?)');
  }

  /** The id of a parameter, created when missing (only call inside a write transaction). */
  idFor(type: string, code: string): number {
    const key = `${type}\u0000${code}`;
    let pid = this.cache.get(key);
    if (pid === undefined) {
      this.insert.run(type, code);
      pid = this.select.get(type, code) as number;
      this.cache.set(key, pid);
    }
    return pid;
  }

  /** The id of a parameter, or undefined when nothing was ever indexed under it. */
  find(type: string, code: string): number | undefined {
    const key = `${type}\u0000${code}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const pid = this.select.get(type, code) as number | undefined;
    if (pid !== undefined) this.cache.set(key, pid);
    return pid;
  }
}

export class IndexWriter {
  private readonly deletes: BetterSqlite3.Statement[];
  private readonly token: BetterSqlite3.Statement;
  private readonly string: BetterSqlite3.Statement;
  private readonly date: BetterSqlite3.Statement;
  private readonly reference: BetterSqlite3.Statement;
  private readonly number: BetterSqlite3.Statement;
  private readonly quantity: BetterSqlite3.Statement;
  private readonly uri: BetterSqlite3.Statement;
  private readonly link: BetterSqlite3.Statement;

  constructor(
    db: BetterSqlite3.Database,
    private readonly params: ParamIds,
  ) {
    this.deletes = INDEX_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE rid = ?`));
    this.token = db.prepare('INSERT INTO sp_token (rid, pid, system, code, text) VALUES (?, ?, ?, ?, ?)');
    this.string = db.prepare('INSERT INTO sp_string (rid, pid, norm, exact) VALUES (?, ?, ?, ?)');
    this.date = db.prepare('INSERT INTO sp_date (rid, pid, start, end) VALUES (?, ?, ?, ?)');
    this.reference = db.prepare('INSERT INTO sp_reference (rid, pid, target_type, target_id, url) VALUES (?, ?, ?, ?, ?)');
    this.number = db.prepare('INSERT INTO sp_number (rid, pid, low, high) VALUES (?, ?, ?, ?)');
    this.quantity = db.prepare('INSERT INTO sp_quantity (rid, pid, system, code, unit, low, high) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.uri = db.prepare('INSERT INTO sp_uri (rid, pid, uri) VALUES (?, ?, ?)');
    this.link = db.prepare('INSERT INTO links (rid, target_type, target_id) VALUES (?, ?, ?)');
  }

  clear(rid: number): void {
    for (const d of this.deletes) d.run(rid);
  }

  write(rid: number, type: string, entries: IndexEntry[], links: Link[]): void {
    for (const e of entries) {
      const pid = this.params.idFor(type, e.param);
      switch (e.kind) {
        case 'token':
          this.token.run(rid, pid, e.system, e.code, e.text ?? null);
          break;
        case 'string':
          this.string.run(rid, pid, e.norm, e.exact);
          break;
        case 'date':
          this.date.run(rid, pid, finite(e.start), finite(e.end));
          break;
        case 'reference':
          this.reference.run(rid, pid, e.targetType, e.targetId, e.url);
          break;
        case 'number':
          this.number.run(rid, pid, finite(e.low), finite(e.high));
          break;
        case 'quantity':
          this.quantity.run(rid, pid, e.system, e.code, e.unit, finite(e.low), finite(e.high));
          break;
        case 'uri':
          this.uri.run(rid, pid, e.uri);
          break;
      }
    }
    for (const l of links) this.link.run(rid, l.targetType, l.targetId);
  }
}
