/**
 * A search sorted by a date parameter, without a selective filter to drive it ("the latest
 * observations", `type=OBS&_sort=-date`): instead of computing the sort key of every candidate
 * and sorting them all, walk the date index in sort order and check the filters row by row,
 * stopping once the page is full. The order is exactly the general plan's (the key, then the
 * storage key descending), so pages of either plan follow each other.
 *
 * A resource's key is the largest (descending) or smallest (ascending) start of its values: only
 * the index row holding it is taken, so a resource with several dates comes once. Resources
 * without a value sort last and are never reached here; a page this walk cannot fill is therefore
 * left to the general plan (`undefined`), which also serves those.
 */
import type { SearchPosition } from '../../engine/storage-port.js';
import type { SortKey } from '../../fhir/search/search-request.js';
import type { PidOf, Sql } from './search-filters.js';
import type { ResourceRow } from './search-rows.js';

/** The sentinel sort key of a resource without a value (see search-sort.ts). */
const MISSING_DESC = Number.MIN_SAFE_INTEGER;
const MISSING_ASC = Number.MAX_SAFE_INTEGER;

export interface SortDrivenRow extends ResourceRow {
  k0: number;
  k1: number;
}

/** Whether the request's order can be walked on the date index. */
export function sortDrivable(sort: SortKey[]): boolean {
  return sort.length === 1 && sort[0]!.type === 'date';
}

/**
 * The page statement: `where` holds the conditions on alias `a` (type, deletion, every filter as a
 * per-row check, the access predicate). Returns the SQL and its parameters, the page size last.
 */
export function sortDrivenPage(type: string, key: SortKey, where: Sql, after: SearchPosition | undefined, count: number, pidOf: PidOf): Sql {
  const desc = key.descending;
  const pid = pidOf(type, key.param);
  const dir = desc ? 'DESC' : 'ASC';
  const parts = [
    's.pid = ?',
    // A resource without a value has the sentinel key; a value equal to it (an open start) would
    // interleave with those rows in the general plan: both are left to it.
    desc ? 's.start > ?' : 's.start < ?',
    'a.rid = s.rid',
    'h.hid = a.hid',
    `s.rowid = (SELECT x.rowid FROM sp_date x INDEXED BY sp_date_rid_pid WHERE x.rid = s.rid AND x.pid = s.pid ORDER BY x.start ${dir}, x.rowid ${dir} LIMIT 1)`,
    where.sql,
  ];
  const params: unknown[] = [pid, desc ? MISSING_DESC : MISSING_ASC, ...where.params];
  if (after) {
    const [k0, k1] = after as [number, number];
    parts.push(`(s.start ${desc ? '<' : '>'} ? OR (s.start = ? AND a.rid < ?))`);
    params.push(k0, k0, k1);
  }
  params.push(count);
  return {
    sql: `SELECT a.rid, a.type, a.id, a.version, a.last_updated, h.json, a.patient_id, s.start AS k0, a.rid AS k1
      FROM sp_date s INDEXED BY sp_date_start CROSS JOIN resources a CROSS JOIN history h
      WHERE ${parts.join(' AND ')}
      ORDER BY s.start ${dir}, a.rid DESC LIMIT ?`,
    params,
  };
}
