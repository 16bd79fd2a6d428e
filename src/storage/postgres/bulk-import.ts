/**
 * `StorageTx.importVersions` on PostgreSQL: a batch of versions in a handful of set-based
 * statements instead of one round trip per version, with exactly the rows the one-by-one write
 * path (`tx.ts` WRITE_SQL / DELETE_SQL) would leave:
 *
 * 1. the resources first seen in the batch get their row (rid in order of first appearance);
 * 2. every version gets its history row, in batch order (hid order = write order);
 * 3. each resource's row takes its last version of the batch (a deletion keeps the compartment,
 *    labels and owner of the version before it, as DELETE_SQL does); an owner counts only if it
 *    was written before the version naming it, as WRITE_SQL's lookup at write time;
 * 4. index rows, links and circle memberships: those of resources that existed before the batch
 *    are cleared, then the rows of each resource's last version (none for a deletion) inserted.
 *
 * Only for loading into a store no one else writes to (an import): it takes no locks.
 */
import type { ImportedVersion, VersionWrite } from '../../engine/storage-port.js';
import { indexParams, INDEX_PARAM_COUNT } from './index-writer.js';
import type { ParamIds } from './param-ids.js';
import type { Query } from './sql.js';
import { clean } from './sql.js';

const keyOf = (type: string, id: string): string => `${type}/${id}`;

/** Tables of `indexParams`' columns: [table, columns, first column index, SQL types]. */
const GROUPS: Array<[string, string, number, string[]]> = [
  ['sp_token', 'pid, system, code, text', 0, ['int', 'text', 'text', 'text']],
  ['sp_string', 'pid, norm, exact', 4, ['int', 'text', 'text']],
  ['sp_date', 'pid, start, "end"', 7, ['int', 'bigint', 'bigint']],
  ['sp_reference', 'pid, target_type, target_id, url', 10, ['int', 'text', 'text', 'text']],
  ['sp_number', 'pid, low, high', 14, ['int', 'float8', 'float8']],
  ['sp_quantity', 'pid, system, code, unit, low, high', 17, ['int', 'text', 'text', 'text', 'float8', 'float8']],
  ['sp_uri', 'pid, uri', 23, ['int', 'text']],
  ['links', 'target_type, target_id', 25, ['text', 'text']],
  ['circle', 'patient_id, member_type, member_id, start, "end"', 27, ['text', 'text', 'text', 'bigint', 'bigint']],
];
const CLEARED = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri', 'links'];

/** One statement inserting every index row of the batch (each group: a rid array, then its columns). */
const INSERT_INDEX_SQL = (() => {
  let n = 1;
  const ctes = GROUPS.map(([table, columns, , types], i) => {
    const ridColumn = table === 'circle' ? 'source_rid' : 'rid';
    const arrays = ['bigint', ...types].map((t) => `$${n++}::${t}[]`).join(', ');
    return `i${i} AS (INSERT INTO ${table} (${ridColumn}, ${columns}) SELECT * FROM unnest(${arrays}))`;
  });
  return `WITH ${ctes.join(',\n')} SELECT 1`;
})();

const CLEAR_INDEX_SQL = `WITH ${[...CLEARED.map((t, i) => `d${i} AS (DELETE FROM ${t} WHERE rid = ANY($1::bigint[]))`), `d${CLEARED.length} AS (DELETE FROM circle WHERE source_rid = ANY($1::bigint[]))`].join(',\n')} SELECT 1`;

interface Final {
  rid: number;
  version: number;
  lastUpdated: number;
  deleted: boolean;
  hid: number;
  /** The last write of the batch (its compartment, labels, owner and index rows), if any. */
  write?: VersionWrite;
  /** Whether that write's owner existed when it was written. */
  ownerKnown: boolean;
  /** Whether the last version is that write (else a deletion came after it). */
  writeIsLast: boolean;
}

export async function bulkImport(query: Query, params: ParamIds, overlay: Map<string, number>, versions: ImportedVersion[]): Promise<void> {
  if (versions.length === 0) return;
  // 1. Rows of resources first seen in this batch, in order of first appearance.
  const firstSeen = new Map<string, number>();
  versions.forEach((v, i) => {
    if (!firstSeen.has(keyOf(v.type, v.id))) firstSeen.set(keyOf(v.type, v.id), i);
  });
  const keys = [...firstSeen.keys()];
  const split = keys.map((k) => versions[firstSeen.get(k)!]!);
  const created = await query<{ type: string; id: string }>(
    `INSERT INTO resources (type, id, version, last_updated, deleted, hid)
     SELECT u.type, u.id, 0, 0, 0, 0 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(type, id, o) ORDER BY u.o
     ON CONFLICT (type, id) DO NOTHING RETURNING type, id`,
    [split.map((v) => v.type), split.map((v) => v.id)],
  );
  const isNew = new Set(created.map((r) => keyOf(r.type, r.id)));
  const ownerKeys = versions.flatMap((v) => (!v.deleted && v.owner ? [v.owner] : []));
  const lookup = [...split.map((v) => [v.type, v.id] as const), ...ownerKeys.map((o) => [o.targetType, o.targetId] as const)];
  const ridRows = await query<{ rid: number; type: string; id: string }>(
    'SELECT r.rid, r.type, r.id FROM resources r JOIN unnest($1::text[], $2::text[]) AS u(type, id) ON r.type = u.type AND r.id = u.id',
    [lookup.map((l) => l[0]), lookup.map((l) => l[1])],
  );
  const rids = new Map(ridRows.map((r) => [keyOf(r.type, r.id), r.rid]));
  /** Whether `key` exists when the version at `index` is written. */
  const existsAt = (key: string, index: number) => rids.has(key) && (!isNew.has(key) || firstSeen.get(key)! < index);
  versions.forEach((v, i) => {
    if (v.deleted && !existsAt(keyOf(v.type, v.id), i)) throw new Error(`importVersions: ${keyOf(v.type, v.id)} version ${v.version} deletes a resource never written`);
  });

  // 2. History rows, in batch order.
  const ridOf = (v: ImportedVersion) => rids.get(keyOf(v.type, v.id))!;
  const hids = await query<{ hid: number; rid: number; version: number }>(
    `INSERT INTO history (rid, type, version, last_updated, method, json, label_mask)
     SELECT u.rid, u.type, u.version, u.last_updated, u.method, u.json, u.label_mask
     FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::int[]) WITH ORDINALITY
       AS u(rid, type, version, last_updated, method, json, label_mask, o) ORDER BY u.o
     RETURNING hid, rid, version`,
    [
      versions.map(ridOf),
      versions.map((v) => v.type),
      versions.map((v) => v.version),
      versions.map((v) => v.lastUpdated),
      versions.map((v) => (v.deleted ? 'DELETE' : v.method)),
      versions.map((v) => (v.deleted ? null : v.json)),
      versions.map((v) => (v.deleted ? 0 : v.labelMask)),
    ],
  );
  const hidOf = new Map(hids.map((h) => [`${h.rid}@${h.version}`, h.hid]));

  // 3. Each resource's final state.
  const finals = new Map<string, Final>();
  versions.forEach((v, i) => {
    const key = keyOf(v.type, v.id);
    const rid = ridOf(v);
    const previous = finals.get(key);
    const f: Final = {
      rid,
      version: v.version,
      lastUpdated: v.lastUpdated,
      deleted: v.deleted,
      hid: hidOf.get(`${rid}@${v.version}`)!,
      ownerKnown: previous?.ownerKnown ?? false,
      writeIsLast: !v.deleted,
    };
    if (v.deleted) {
      if (previous?.write) f.write = previous.write;
    } else {
      f.write = v;
      f.ownerKnown = v.owner !== undefined && existsAt(keyOf(v.owner.targetType, v.owner.targetId), i);
    }
    finals.set(key, f);
  });
  const list = [...finals.values()];
  const ownerRid = (f: Final) => (f.write?.owner && f.ownerKnown ? rids.get(keyOf(f.write.owner.targetType, f.write.owner.targetId)) ?? null : null);
  await query(
    `UPDATE resources r SET version = u.version, last_updated = u.last_updated, deleted = u.deleted, hid = u.hid,
       patient_id = CASE WHEN u.w THEN u.patient_id ELSE r.patient_id END,
       label_mask = CASE WHEN u.w THEN u.label_mask ELSE r.label_mask END,
       owner_rid = CASE WHEN u.w THEN u.owner_rid ELSE r.owner_rid END
     FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::smallint[], $5::bigint[], $6::boolean[], $7::text[], $8::int[], $9::bigint[])
       AS u(rid, version, last_updated, deleted, hid, w, patient_id, label_mask, owner_rid)
     WHERE r.rid = u.rid`,
    [
      list.map((f) => f.rid),
      list.map((f) => f.version),
      list.map((f) => f.lastUpdated),
      list.map((f) => (f.deleted ? 1 : 0)),
      list.map((f) => f.hid),
      list.map((f) => f.write !== undefined),
      list.map((f) => (f.write ? (f.write.patientId === null ? null : clean(f.write.patientId)) : null)),
      list.map((f) => f.write?.labelMask ?? 0),
      list.map(ownerRid),
    ],
  );

  // 4. Index rows, links, circle: cleared for resources that existed before, then the last version's.
  const existed = [...finals.entries()].filter(([k]) => !isNew.has(k)).map(([, f]) => f.rid);
  if (existed.length > 0) await query(CLEAR_INDEX_SQL, [existed]);
  const current = list.filter((f) => f.writeIsLast && f.write);
  const codes = current.flatMap((f) => f.write!.index.map((e) => [f.write!.type, e.param] as [string, string]));
  await params.ensure(query, codes, overlay);
  const cols = Array.from({ length: INDEX_PARAM_COUNT }, () => [] as unknown[]);
  const ridCols = GROUPS.map(() => [] as number[]);
  for (const f of current) {
    const w = f.write!;
    const one = indexParams({ entries: w.index, links: w.links, memberships: w.memberships }, (code) => params.pidOf(w.type, code, overlay));
    GROUPS.forEach(([, , first], g) => {
      for (let i = 0; i < one[first]!.length; i++) ridCols[g]!.push(f.rid);
    });
    one.forEach((c, i) => {
      for (const x of c) cols[i]!.push(x);
    });
  }
  if (ridCols.some((r) => r.length > 0)) {
    const args: unknown[] = [];
    GROUPS.forEach(([, , first, types], g) => {
      args.push(ridCols[g]);
      for (let i = 0; i < types.length; i++) args.push(cols[first + i]);
    });
    await query(INSERT_INDEX_SQL, args);
  }
}
