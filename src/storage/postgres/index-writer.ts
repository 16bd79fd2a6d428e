/**
 * Writes a resource's search index rows, reference links and circle-of-care memberships (current
 * version only) in ONE statement: data-modifying CTEs delete the previous rows (updates only) and
 * insert the new ones from arrays (`unnest`). All CTEs see the same snapshot, so the deletes never
 * touch the rows the inserts add. The statement text is fixed, so it is prepared once per connection.
 */
import type { Membership } from '../../engine/access/circle-memberships.js';
import type { Link } from '../../engine/storage-port.js';
import type { IndexEntry } from '../../fhir/search/index-entry.js';
import { clean, type Query } from './sql.js';

/** Clamps ±Infinity (open date/number ranges) to finite values, as the SQLite store does. */
const finite = (n: number): number => (n === Infinity ? Number.MAX_SAFE_INTEGER : n === -Infinity ? Number.MIN_SAFE_INTEGER : n);
const text = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : clean(s));

const BY_RID = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri', 'links'];
const deletes = (ridIn: string, extra = ''): string[] => [
  ...BY_RID.map((t, i) => `d${i} AS (DELETE FROM ${t} WHERE rid ${ridIn}${extra})`),
  `d${BY_RID.length} AS (DELETE FROM circle WHERE source_rid ${ridIn}${extra})`,
];

/** $1 = rid, $2 = clear the previous rows; then the column arrays, in `indexWriteParams` order. */
const INDEX_WRITE_SQL = `WITH
${deletes('= $1', ' AND $2::boolean').join(',\n')},
i0 AS (INSERT INTO sp_token (rid, pid, system, code, text) SELECT $1, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[])),
i1 AS (INSERT INTO sp_string (rid, pid, norm, exact) SELECT $1, * FROM unnest($7::int[], $8::text[], $9::text[])),
i2 AS (INSERT INTO sp_date (rid, pid, start, "end") SELECT $1, * FROM unnest($10::int[], $11::bigint[], $12::bigint[])),
i3 AS (INSERT INTO sp_reference (rid, pid, target_type, target_id, url) SELECT $1, * FROM unnest($13::int[], $14::text[], $15::text[], $16::text[])),
i4 AS (INSERT INTO sp_number (rid, pid, low, high) SELECT $1, * FROM unnest($17::int[], $18::float8[], $19::float8[])),
i5 AS (INSERT INTO sp_quantity (rid, pid, system, code, unit, low, high) SELECT $1, * FROM unnest($20::int[], $21::text[], $22::text[], $23::text[], $24::float8[], $25::float8[])),
i6 AS (INSERT INTO sp_uri (rid, pid, uri) SELECT $1, * FROM unnest($26::int[], $27::text[])),
i7 AS (INSERT INTO links (rid, target_type, target_id) SELECT $1, * FROM unnest($28::text[], $29::text[])),
i8 AS (INSERT INTO circle (source_rid, patient_id, member_type, member_id, start, "end") SELECT $1, * FROM unnest($30::text[], $31::text[], $32::text[], $33::bigint[], $34::bigint[]))
SELECT 1`;

/** Deletes every index row, link and membership of the resources a CTE `r` (column rid) returns. */
export const clearIndexCtes = (): string => deletes('IN (SELECT rid FROM r)').join(',\n');

export interface IndexRows {
  entries: IndexEntry[];
  links: Link[];
  memberships: Membership[];
}

function indexWriteParams(rid: number, clear: boolean, rows: IndexRows, pidOf: (code: string) => number): unknown[] {
  const cols = Array.from({ length: 32 }, () => [] as unknown[]);
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
  return [rid, clear, ...cols];
}

/** Writes (replacing the previous ones when `clear`) the index rows, links and memberships of `rid`. */
export async function writeIndex(query: Query, rid: number, clear: boolean, rows: IndexRows, pidOf: (code: string) => number): Promise<void> {
  if (!clear && rows.entries.length === 0 && rows.links.length === 0 && rows.memberships.length === 0) return;
  await query(INDEX_WRITE_SQL, indexWriteParams(rid, clear, rows, pidOf), 'cdl_index_write');
}
