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
 * - conditional create races (search, then create when nothing matched): a search inside a
 *   transaction takes an EXCLUSIVE transaction advisory lock on the searched type, and every
 *   version write takes the SHARED lock of its type first. A conditional create therefore waits
 *   for in-flight writers of that type to commit, searches, and keeps new writers of the type out
 *   until it commits: no duplicate. Plain writes of a type (shared) never wait for each other.
 * - the audit chain is a hash chain, serial by nature: `auditChainHead` takes an exclusive
 *   transaction advisory lock (per schema) before reading the head, so appends never fork it.
 * - referential integrity: `existing` locks the targets `FOR KEY SHARE` and `referencedBy` (used
 *   by deletes) locks the target `FOR UPDATE`, so a reference and a deletion of its target cannot
 *   both commit.
 */
import type { DeleteWrite, Link, SearchQuery, SearchResult, StorageTx, StoredVersion, VersionWrite } from '../../engine/storage-port.js';
import { clearIndexCtes, writeIndex } from './index-writer.js';
import type { ParamIds } from './param-ids.js';
import { PgReads, toStored } from './reads.js';
import type { Query } from './sql.js';
import { clean } from './sql.js';

/** Advisory-lock namespaces (first key); the second key hashes `<schema>:<name>`. */
export const TYPE_LOCK_NAMESPACE = 0x43444c01;
export const ID_LOCK_NAMESPACE = 0x43444c02;
export const AUDIT_LOCK_NAMESPACE = 0x43444c03;

type LockMode = 'shared' | 'exclusive';

const WRITE_SQL = `WITH n AS (SELECT nextval('history_hid_seq') AS hid),
r AS (
  INSERT INTO resources AS t (type, id, version, last_updated, deleted, hid, patient_id, label_mask, owner_rid)
  SELECT $1, $2, $3, $4, 0, n.hid, $5, $6, (SELECT o.rid FROM resources o WHERE o.type = $7 AND o.id = $8) FROM n
  ON CONFLICT (type, id) DO UPDATE SET version = EXCLUDED.version, last_updated = EXCLUDED.last_updated, deleted = 0,
    hid = EXCLUDED.hid, patient_id = EXCLUDED.patient_id, label_mask = EXCLUDED.label_mask, owner_rid = EXCLUDED.owner_rid
  RETURNING t.rid, t.hid, (t.xmax = 0) AS inserted
),
h AS (
  INSERT INTO history (hid, rid, type, version, last_updated, method, json, label_mask)
  SELECT r.hid, r.rid, $1, $3, $4, $9, $10, $6 FROM r
)
SELECT r.rid, r.hid, r.inserted FROM r`;

const DELETE_SQL = `WITH n AS (SELECT nextval('history_hid_seq') AS hid),
r AS (
  UPDATE resources t SET version = $3, last_updated = $4, deleted = 1, hid = n.hid FROM n
  WHERE t.type = $1 AND t.id = $2 RETURNING t.rid, t.hid
),
h AS (
  INSERT INTO history (hid, rid, type, version, last_updated, method, json, label_mask)
  SELECT r.hid, r.rid, $1, $3, $4, 'DELETE', NULL, 0 FROM r
),
${clearIndexCtes()}
SELECT r.rid FROM r`;

interface LockedRow {
  version: number;
  last_updated: number;
  deleted: number;
  hid: number;
  patient_id: string | null;
}

export class PgTx extends PgReads implements StorageTx {
  private readonly typeLocks = new Map<string, LockMode>();

  constructor(
    query: Query,
    params: ParamIds,
    overlay: Map<string, number>,
    /** Scopes advisory-lock keys (the schema), so stores sharing a database never contend. */
    private readonly lockScope: string,
  ) {
    super(query, params, overlay);
  }

  private async lockType(type: string, mode: LockMode): Promise<void> {
    const held = this.typeLocks.get(type);
    // Held exclusive, or the same mode: nothing to do. Held shared (this transaction already
    // wrote the type): a later search is a read of its own work, it needs no exclusion.
    if (held !== undefined && (held === 'exclusive' || held === mode || mode === 'exclusive')) return;
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await this.query(`SELECT ${fn}($1, hashtext($2))`, [TYPE_LOCK_NAMESPACE, `${this.lockScope}:${type}`], `cdl_lock_type_${mode}`);
    this.typeLocks.set(type, mode);
  }

  /** A search inside a transaction may decide a conditional write: see the file comment. */
  override async search(q: SearchQuery): Promise<SearchResult> {
    await this.lockType(q.request.resourceType, 'exclusive');
    return super.search(q);
  }

  async readForUpdate(type: string, id: string): Promise<StoredVersion | undefined> {
    // The type lock first, then the row: the order a conditional create (type, exclusive) uses too.
    await this.lockType(type, 'shared');
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
    await this.lockType(w.type, 'shared');
    const codes = [...new Set(w.index.map((e) => e.param))];
    await this.params.ensure(this.query, codes.map((c) => [w.type, c]), this.overlay!);
    const [row] = await this.query<{ rid: number; hid: number; inserted: boolean }>(
      WRITE_SQL,
      [w.type, w.id, w.version, w.lastUpdated, w.patientId, w.labelMask, w.owner?.targetType ?? null, w.owner?.targetId ?? null, w.method, w.json],
      'cdl_write_version',
    );
    if (w.blob) await this.query('INSERT INTO blobs (hid, data) VALUES ($1, $2)', [row!.hid, w.blob], 'cdl_write_blob');
    await writeIndex(this.query, row!.rid, !row!.inserted, { entries: w.index, links: w.links, memberships: w.memberships }, (code) => this.pidOf(w.type, code));
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
    await this.query(DELETE_SQL, [w.type, w.id, w.version, w.lastUpdated], 'cdl_delete_version');
  }
}
