/** Write operations of the SQLite adapter, used only inside a group-commit unit. */
import type BetterSqlite3 from 'better-sqlite3';
import type { Membership } from '../../engine/access/circle-memberships.js';
import type { DeleteWrite, ImportedVersion, Link, StorageTx, StoredVersion, VersionWrite } from '../../engine/storage-port.js';
import { IndexWriter, type ParamIds } from './index-writer.js';
import { SqliteReads } from './sqlite-reads.js';

export class SqliteTx extends SqliteReads implements StorageTx {
  private readonly rid: BetterSqlite3.Statement;
  private readonly insertResource: BetterSqlite3.Statement;
  private readonly updateResource: BetterSqlite3.Statement;
  private readonly setHid: BetterSqlite3.Statement;
  private readonly insertHistory: BetterSqlite3.Statement;
  private readonly insertBlob: BetterSqlite3.Statement;
  private readonly versionHid: BetterSqlite3.Statement;
  private readonly exists: BetterSqlite3.Statement;
  private readonly referrers: BetterSqlite3.Statement;
  private readonly clearCircle: BetterSqlite3.Statement;
  private readonly insertCircle: BetterSqlite3.Statement;
  private readonly index: IndexWriter;

  constructor(db: BetterSqlite3.Database, params: ParamIds) {
    super(db, params);
    this.rid = db.prepare('SELECT rid FROM resources WHERE type = ? AND id = ?').pluck();
    this.insertResource = db.prepare(
      'INSERT INTO resources (type, id, version, last_updated, deleted, hid, patient_id, label_mask, owner_rid) VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?)',
    );
    this.setHid = db.prepare('UPDATE resources SET hid = ? WHERE rid = ?');
    this.updateResource = db.prepare(
      'UPDATE resources SET version = ?, last_updated = ?, deleted = ?, hid = ?, patient_id = ?, label_mask = ?, owner_rid = ? WHERE rid = ?',
    );
    this.insertHistory = db.prepare(
      'INSERT INTO history (rid, type, version, last_updated, method, json, label_mask) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertBlob = db.prepare('INSERT INTO blobs (hid, data) VALUES (?, ?)');
    this.versionHid = db.prepare('SELECT h.hid FROM resources r JOIN history h ON h.rid = r.rid WHERE r.type = ? AND r.id = ? AND h.version = ?').pluck();
    this.exists = db.prepare('SELECT 1 FROM resources WHERE type = ? AND id = ? AND deleted = 0').pluck();
    this.referrers = db.prepare(
      `SELECT DISTINCT r.type, r.id FROM links l JOIN resources r ON r.rid = l.rid
       WHERE l.target_id = ? AND l.target_type = ? AND r.deleted = 0 AND NOT (r.type = ? AND r.id = ?) LIMIT ?`,
    );
    this.clearCircle = db.prepare('DELETE FROM circle WHERE source_rid = ?');
    this.insertCircle = db.prepare(
      'INSERT INTO circle (source_rid, patient_id, member_type, member_id, start, end) VALUES (?, ?, ?, ?, ?, ?)',
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

  private ridOf(type: string, id: string): number | undefined {
    return this.rid.get(type, id) as number | undefined;
  }

  private writeCircle(rid: number, memberships: Membership[]): void {
    this.clearCircle.run(rid);
    for (const m of memberships) this.insertCircle.run(rid, m.patientId, m.memberType, m.memberId, m.start, m.end);
  }

  async writeVersion(w: VersionWrite): Promise<void> {
    const existing = this.ridOf(w.type, w.id);
    const owner = w.owner ? (this.ridOf(w.owner.targetType, w.owner.targetId) ?? null) : null;
    if (existing === undefined) {
      // A new row gets its indexed columns at once (an UPDATE of them would rewrite its index
      // entries), then the id of its history row; it has no index rows or circle entries to clear.
      const rid = Number(this.insertResource.run(w.type, w.id, w.version, w.lastUpdated, w.patientId, w.labelMask, owner).lastInsertRowid);
      const hid = Number(this.insertHistory.run(rid, w.type, w.version, w.lastUpdated, w.method, w.json, w.labelMask).lastInsertRowid);
      this.setHid.run(hid, rid);
      this.index.write(rid, w.type, w.index, w.links);
      if (w.memberships.length > 0) this.writeCircle(rid, w.memberships);
      return;
    }
    const hid = Number(this.insertHistory.run(existing, w.type, w.version, w.lastUpdated, w.method, w.json, w.labelMask).lastInsertRowid);
    this.updateResource.run(w.version, w.lastUpdated, 0, hid, w.patientId, w.labelMask, owner, existing);
    this.index.clear(existing);
    this.index.write(existing, w.type, w.index, w.links);
    this.writeCircle(existing, w.memberships);
  }

  async writeBlob(type: string, id: string, version: number, data: Buffer): Promise<void> {
    const hid = this.versionHid.get(type, id, version) as number | undefined;
    if (hid === undefined) throw new Error(`writeBlob: ${type}/${id} has no version ${version} in this store`);
    this.insertBlob.run(hid, data);
  }

  async importVersions(versions: ImportedVersion[]): Promise<void> {
    // In-process statements: the engine's own write path is already a bulk path here.
    for (const v of versions) {
      if (!v.deleted) await this.writeVersion(v);
      else if (this.ridOf(v.type, v.id) === undefined) throw new Error(`importVersions: ${v.type}/${v.id} version ${v.version} deletes a resource never written`);
      else await this.deleteVersion(v);
    }
  }

  async importAuditChain(links: Array<{ eventId: string; hash: string }>): Promise<void> {
    for (const l of links) await this.appendAuditChain(l.eventId, l.hash);
  }

  async auditChainHead(): Promise<string> {
    return (this.cache.get('SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? '';
  }

  async appendAuditChain(eventId: string, hash: string): Promise<void> {
    this.cache.get('INSERT INTO audit_chain (event_id, hash) VALUES (?, ?)').run(eventId, hash);
  }

  async deleteVersion(w: DeleteWrite): Promise<void> {
    const rid = this.ridOf(w.type, w.id);
    if (rid === undefined) return;
    const hid = Number(this.insertHistory.run(rid, w.type, w.version, w.lastUpdated, 'DELETE', null, 0).lastInsertRowid);
    this.db.prepare('UPDATE resources SET version = ?, last_updated = ?, deleted = 1, hid = ? WHERE rid = ?').run(w.version, w.lastUpdated, hid, rid);
    this.index.clear(rid);
    this.writeCircle(rid, []);
  }
}
