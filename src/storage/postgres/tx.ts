/**
 * Write operations of the PostgreSQL adapter, on the one connection of a transaction (BEGIN …
 * COMMIT, READ COMMITTED). How concurrent writers — on this node or others — stay correct:
 *
 * - version races: `readForUpdate` locks the resource row (`FOR NO KEY UPDATE`), so concurrent
 *   updates of one resource queue up and each reads the version the previous one committed:
 *   exactly one If-Match winner per version, consecutive versions (UNIQUE (rid, version) backs it);
 * - update-as-create races: when the row does not exist yet, `readForUpdate` takes a transaction
 *   advisory lock on the resource's key and reads again, so a second creator waits and then sees
 *   version 1 as its previous version;
 * - conditional create races (search, then create when nothing matched): the first searches of a
 *   transaction — those before its first write, which is where the engine checks If-None-Exist
 *   and resolves conditional references — take an EXCLUSIVE transaction advisory lock on the
 *   searched type. Two conditional units on one type therefore run one after the other, and the
 *   second one's search (a fresh READ COMMITTED snapshot) sees what the first committed: exactly
 *   one creation. Plain writes take no such lock and never wait: a plain write concurrent with a
 *   conditional create is serializable either way (the conditional one simply comes first).
 * - the audit chain is a hash chain, serial by nature: `auditChainHead` takes an exclusive
 *   transaction advisory lock (per schema) before reading the head, so appends never fork it.
 * - referential integrity: `existing` locks the targets `FOR KEY SHARE` and `referencedBy` (used
 *   by deletes) locks the target `FOR UPDATE`, so a reference and a deletion of its target cannot
 *   both commit.
 */
import type { DeleteWrite, ImportedVersion, Link, SearchQuery, SearchResult, StorageTx, StoredVersion, VersionWrite } from '../../engine/storage-port.js';
import { bulkImport } from './bulk-import.js';
import { clearIndexCtes, indexParams, insertIndexCtes } from './index-writer.js';
import type { ParamIds } from './param-ids.js';
import { PgReads, toStored } from './reads.js';
import type { Query } from './sql.js';
import { clean } from './sql.js';

/** Advisory-lock namespaces (first key); the second key hashes `<schema>:<name>`. */
export const TYPE_LOCK_NAMESPACE = 0x43444c01;
export const ID_LOCK_NAMESPACE = 0x43444c02;
export const AUDIT_LOCK_NAMESPACE = 0x43444c03;

/**
 * One statement writes a version: the resources row (insert or update), the history row and the
 * index rows (previous ones deleted, $11). Fixed text, prepared once per connection.
 */
const WRITE_SQL = `WITH n AS (SELECT nextval('history_hid_seq') AS hid),
r AS (
  INSERT INTO resources AS t (type, id, version, last_updated, deleted, hid, patient_id, label_mask, owner_rid)
  SELECT $1, $2, $3, $4, 0, n.hid, $5, $6, (SELECT o.rid FROM resources o WHERE o.type = $7 AND o.id = $8) FROM n
  ON CONFLICT (type, id) DO UPDATE SET version = EXCLUDED.version, last_updated = EXCLUDED.last_updated, deleted = 0,
    hid = EXCLUDED.hid, patient_id = EXCLUDED.patient_id, label_mask = EXCLUDED.label_mask, owner_rid = EXCLUDED.owner_rid
  RETURNING t.rid, t.hid
),
h AS (
  INSERT INTO history (hid, rid, type, version, last_updated, method, json, label_mask)
  SELECT r.hid, r.rid, $1, $3, $4, $9, $10, $6 FROM r
),
${clearIndexCtes('= (SELECT rid FROM r) AND $11::boolean').join(',\n')},
${insertIndexCtes('(SELECT rid FROM r)', 12).join(',\n')}
SELECT r.rid FROM r`;

const DELETE_SQL = `WITH n AS (SELECT nextval('history_hid_seq') AS hid),
r AS (
  UPDATE resources t SET version = $3, last_updated = $4, deleted = 1, hid = n.hid FROM n
  WHERE t.type = $1 AND t.id = $2 RETURNING t.rid, t.hid
),
h AS (
  INSERT INTO history (hid, rid, type, version, last_updated, method, json, label_mask)
  SELECT r.hid, r.rid, $1, $3, $4, 'DELETE', NULL, 0 FROM r
),
${clearIndexCtes('IN (SELECT rid FROM r)').join(',\n')}
SELECT r.rid FROM r`;

interface LockedRow {
  version: number;
  last_updated: number;
  deleted: number;
  hid: number;
  patient_id: string | null;
}

export class PgTx extends PgReads implements StorageTx {
  /** Types this transaction holds the exclusive lock of. */
  private readonly lockedTypes = new Set<string>();
  /** Whether this transaction has written anything yet. */
  private wrote = false;

  constructor(
    query: Query,
    params: ParamIds,
    overlay: Map<string, number>,
    /** Scopes advisory-lock keys (the schema), so stores sharing a database never contend. */
    private readonly lockScope: string,
  ) {
    super(query, params, overlay);
  }

  /** A search before the unit's first write may decide a conditional write: see the file comment. */
  override async search(q: SearchQuery): Promise<SearchResult> {
    const type = q.request.resourceType;
    if (!this.wrote && !this.lockedTypes.has(type)) {
      await this.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TYPE_LOCK_NAMESPACE, `${this.lockScope}:${type}`], 'cdl_lock_type');
      this.lockedTypes.add(type);
    }
    return super.search(q);
  }

  async readForUpdate(type: string, id: string): Promise<StoredVersion | undefined> {
    const lockRow = () =>
      this.query<LockedRow>(
        'SELECT version, last_updated, deleted, hid, patient_id FROM resources WHERE type = $1 AND id = $2 FOR NO KEY UPDATE',
        [type, id],
        'cdl_lock_row',
      );
    let [row] = await lockRow();
    if (!row) {
      await this.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ID_LOCK_NAMESPACE, `${this.lockScope}:${type}/${id}`], 'cdl_lock_id');
      [row] = await lockRow();
      if (!row) return undefined;
    }
    // A separate statement: its fresh snapshot sees the history row of a writer we waited for.
    const [h] = await this.query<{ method: StoredVersion['method']; json: string | null }>(
      'SELECT method, json FROM history WHERE hid = $1',
      [row.hid],
      'cdl_history_by_hid',
    );
    return toStored({ type, id, version: row.version, last_updated: row.last_updated, deleted: row.deleted, method: h!.method, json: h!.json, patient_id: row.patient_id });
  }

  async existing(targets: Link[]): Promise<Set<string>> {
    if (targets.length === 0) return new Set();
    const rows = await this.query<{ type: string; id: string }>(
      `SELECT r.type, r.id FROM resources r JOIN unnest($1::text[], $2::text[]) AS w(type, id) ON r.type = w.type AND r.id = w.id
       WHERE r.deleted = 0 ORDER BY r.rid FOR KEY SHARE OF r`,
      [targets.map((t) => clean(t.targetType)), targets.map((t) => clean(t.targetId))],
      'cdl_existing',
    );
    return new Set(rows.map((r) => `${r.type}/${r.id}`));
  }

  async referencedBy(targetType: string, targetId: string, limit: number): Promise<Link[]> {
    // Waits for in-flight transactions that checked this target in `existing` (their links become visible).
    await this.query('SELECT 1 FROM resources WHERE type = $1 AND id = $2 FOR UPDATE', [targetType, targetId], 'cdl_lock_target');
    const rows = await this.query<{ type: string; id: string }>(
      `SELECT DISTINCT r.type, r.id FROM links l JOIN resources r ON r.rid = l.rid
       WHERE l.target_id = $1 AND l.target_type = $2 AND r.deleted = 0 AND NOT (r.type = $2 AND r.id = $1) LIMIT $3`,
      [targetId, targetType, limit],
      'cdl_referenced_by',
    );
    return rows.map((r) => ({ targetType: r.type, targetId: r.id }));
  }

  async writeVersion(w: VersionWrite): Promise<void> {
    const codes = [...new Set(w.index.map((e) => e.param))];
    await this.params.ensure(this.query, codes.map((c) => [w.type, c]), this.overlay!);
    const index = indexParams({ entries: w.index, links: w.links, memberships: w.memberships }, (code) => this.pidOf(w.type, code));
    await this.query(
      WRITE_SQL,
      [
        w.type, w.id, w.version, w.lastUpdated, w.patientId, w.labelMask, w.owner?.targetType ?? null, w.owner?.targetId ?? null, w.method, w.json,
        // Version 1 has no previous index rows (a deletion clears them): the deletes are skipped.
        w.version > 1, ...index,
      ],
      'cdl_write_version',
    );
    this.wrote = true;
  }

  async writeBlob(type: string, id: string, version: number, data: Buffer): Promise<void> {
    const rows = await this.query(
      `INSERT INTO blobs (hid, data) SELECT h.hid, $4::bytea FROM resources r JOIN history h ON h.rid = r.rid
       WHERE r.type = $1 AND r.id = $2 AND h.version = $3 RETURNING hid`,
      [type, id, version, data],
      'cdl_write_blob',
    );
    if (rows.length === 0) throw new Error(`writeBlob: ${type}/${id} has no version ${version} in this store`);
  }

  /** Set-based: a handful of statements per batch (`bulk-import.ts`). */
  async importVersions(versions: ImportedVersion[]): Promise<void> {
    this.wrote = true;
    await bulkImport(this.query, this.params, this.overlay!, versions);
  }

  async importAuditChain(links: Array<{ eventId: string; hash: string }>): Promise<void> {
    await this.query(
      'INSERT INTO audit_chain (event_id, hash) SELECT u.e, u.h FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(e, h, o) ORDER BY u.o',
      [links.map((l) => l.eventId), links.map((l) => l.hash)],
    );
  }

  async auditChainHead(): Promise<string> {
    await this.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AUDIT_LOCK_NAMESPACE, this.lockScope], 'cdl_lock_audit');
    const [row] = await this.query<{ hash: string }>('SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1', [], 'cdl_audit_head');
    return row?.hash ?? '';
  }

  async appendAuditChain(eventId: string, hash: string): Promise<void> {
    await this.query('INSERT INTO audit_chain (event_id, hash) VALUES ($1, $2)', [eventId, hash], 'cdl_audit_append');
  }

  async deleteVersion(w: DeleteWrite): Promise<void> {
    this.wrote = true;
    await this.query(DELETE_SQL, [w.type, w.id, w.version, w.lastUpdated], 'cdl_delete_version');
  }
}
