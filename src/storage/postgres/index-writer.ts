/**
 * The search index rows, reference links and circle-of-care memberships of a version (current
 * version only), written as part of the version's single write statement (`tx.ts`): CTEs delete
 * the resource's previous rows and insert the new ones from arrays (`unnest`). All CTEs of a
 * statement see the same snapshot, so the deletes never touch the rows the inserts add.
 */
import type { Membership } from '../../engine/access/circle-memberships.js';
import type { Link } from '../../engine/storage-port.js';
import type { IndexEntry } from '../../fhir/search/index-entry.js';
import { clean } from './sql.js';

/** Clamps ±Infinity (open date/number ranges) to finite values, as the SQLite store does. */
const finite = (n: number): number => (n === Infinity ? Number.MAX_SAFE_INTEGER : n === -Infinity ? Number.MIN_SAFE_INTEGER : n);
const text = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : clean(s));

const BY_RID = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri', 'links'];

/** CTEs deleting every index row, link and membership of the resources whose rid is `ridIn`. */
export const clearIndexCtes = (ridIn: string): string[] => [
  ...BY_RID.map((t, i) => `d${i} AS (DELETE FROM ${t} WHERE rid ${ridIn})`),
  `d${BY_RID.length} AS (DELETE FROM circle WHERE source_rid ${ridIn})`,
];

/** Number of array parameters `indexParams` returns. */
export const INDEX_PARAM_COUNT = 32;

/** CTEs inserting the rows of `indexParams` (arrays from `$first`) for the resource `rid` (an SQL expression). */
export function insertIndexCtes(rid: string, first: number): string[] {
  let n = first;
  const arrays = (...types: string[]) => types.map((t) => `$${n++}::${t}[]`).join(', ');
  return [
    `i0 AS (INSERT INTO sp_token (rid, pid, system, code, text) SELECT ${rid}, * FROM unnest(${arrays('int', 'text', 'text', 'text')}))`,
    `i1 AS (INSERT INTO sp_string (rid, pid, norm, exact) SELECT ${rid}, * FROM unnest(${arrays('int', 'text', 'text')}))`,
    `i2 AS (INSERT INTO sp_date (rid, pid, start, "end") SELECT ${rid}, * FROM unnest(${arrays('int', 'bigint', 'bigint')}))`,
    `i3 AS (INSERT INTO sp_reference (rid, pid, target_type, target_id, url) SELECT ${rid}, * FROM unnest(${arrays('int', 'text', 'text', 'text')}))`,
    `i4 AS (INSERT INTO sp_number (rid, pid, low, high) SELECT ${rid}, * FROM unnest(${arrays('int', 'float8', 'float8')}))`,
    `i5 AS (INSERT INTO sp_quantity (rid, pid, system, code, unit, low, high) SELECT ${rid}, * FROM unnest(${arrays('int', 'text', 'text', 'text', 'float8', 'float8')}))`,
    `i6 AS (INSERT INTO sp_uri (rid, pid, uri) SELECT ${rid}, * FROM unnest(${arrays('int', 'text')}))`,
    `i7 AS (INSERT INTO links (rid, target_type, target_id) SELECT ${rid}, * FROM unnest(${arrays('text', 'text')}))`,
    `i8 AS (INSERT INTO circle (source_rid, patient_id, member_type, member_id, start, "end") SELECT ${rid}, * FROM unnest(${arrays('text', 'text', 'text', 'bigint', 'bigint')}))`,
  ];
}

export interface IndexRows {
  entries: IndexEntry[];
  links: Link[];
  memberships: Membership[];
}

/** The column arrays of `insertIndexCtes`, in order. */
export function indexParams(rows: IndexRows, pidOf: (code: string) => number): unknown[][] {
  const cols = Array.from({ length: INDEX_PARAM_COUNT }, () => [] as unknown[]);
  const push = (first: number, ...values: unknown[]) => values.forEach((v, i) => cols[first + i]!.push(v));
  for (const e of rows.entries) {
    const pid = pidOf(e.param);
    switch (e.kind) {
      case 'token':
        push(0, pid, text(e.system), text(e.code), text(e.text));
        break;
      case 'string':
        push(4, pid, clean(e.norm), clean(e.exact));
        break;
      case 'date':
        push(7, pid, finite(e.start), finite(e.end));
        break;
      case 'reference':
        push(10, pid, text(e.targetType), text(e.targetId), text(e.url));
        break;
      case 'number':
        push(14, pid, finite(e.low), finite(e.high));
        break;
      case 'quantity':
        push(17, pid, text(e.system), text(e.code), text(e.unit), finite(e.low), finite(e.high));
        break;
      case 'uri':
        push(23, pid, clean(e.uri));
        break;
    }
  }
  for (const l of rows.links) push(25, clean(l.targetType), clean(l.targetId));
  for (const m of rows.memberships) push(27, clean(m.patientId), clean(m.memberType), clean(m.memberId), finite(m.start), finite(m.end));
  return cols;
}
