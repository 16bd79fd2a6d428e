/** Sort expressions and keyset-paging conditions of a search (SQLite). */
import type { SortKey } from '../../fhir/search/search-request.js';
import type { PidOf, Sql } from './search-filters.js';

const MAX_INT = Number.MAX_SAFE_INTEGER;
const MIN_INT = Number.MIN_SAFE_INTEGER;
const TEXT_MAX = '\u{10FFFF}';

export interface SortExpr extends Sql {
  descending: boolean;
}

/** One SQL expression per sort key; missing values sort last in either direction. */
export function sortExpressions(keys: SortKey[], type: string, a: string, pidOf: PidOf): SortExpr[] {
  const out: SortExpr[] = keys.map((k) => {
    const agg = k.descending ? 'max' : 'min';
    if (k.param === '_id') return { sql: `${a}.id`, params: [], descending: k.descending };
    if (k.param === '_lastUpdated') return { sql: `${a}.last_updated`, params: [], descending: k.descending };
    const pid = pidOf(type, k.param);
    switch (k.type) {
      case 'date':
        return {
          sql: `coalesce((SELECT ${agg}(s.start) FROM sp_date s WHERE s.rid = ${a}.rid AND s.pid + 0 = ?), ?)`,
          params: [pid, k.descending ? MIN_INT : MAX_INT],
          descending: k.descending,
        };
      case 'number':
      case 'quantity': {
        const table = k.type === 'number' ? 'sp_number' : 'sp_quantity';
        return {
          sql: `coalesce((SELECT ${agg}(s.low) FROM ${table} s WHERE s.rid = ${a}.rid AND s.pid + 0 = ?), ?)`,
          params: [pid, k.descending ? MIN_INT : MAX_INT],
          descending: k.descending,
        };
      }
      case 'string':
        return {
          sql: `coalesce((SELECT ${agg}(s.norm) FROM sp_string s WHERE s.rid = ${a}.rid AND s.pid + 0 = ?), ?)`,
          params: [pid, k.descending ? '' : TEXT_MAX],
          descending: k.descending,
        };
      default:
        return {
          sql: `coalesce((SELECT ${agg}(s.code) FROM sp_token s WHERE s.rid = ${a}.rid AND s.pid + 0 = ?), ?)`,
          params: [pid, k.descending ? '' : TEXT_MAX],
          descending: k.descending,
        };
    }
  });
  // The storage key breaks ties and makes the order total (newest first by default).
  out.push({ sql: `${a}.rid`, params: [], descending: true });
  return out;
}

export function orderBy(exprs: SortExpr[]): Sql {
  return {
    sql: exprs.map((e) => `${e.sql} ${e.descending ? 'DESC' : 'ASC'}`).join(', '),
    params: exprs.flatMap((e) => e.params),
  };
}

/** Rows strictly after `position` in the order of `exprs` (lexicographic, mixed directions). */
export function afterPosition(exprs: SortExpr[], position: Array<string | number>): Sql {
  const alternatives: Sql[] = [];
  for (let i = 0; i < exprs.length; i++) {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${exprs[j]!.sql} = ?`);
      params.push(...exprs[j]!.params, position[j]);
    }
    parts.push(`${exprs[i]!.sql} ${exprs[i]!.descending ? '<' : '>'} ?`);
    params.push(...exprs[i]!.params, position[i]);
    alternatives.push({ sql: `(${parts.join(' AND ')})`, params });
  }
  return { sql: `(${alternatives.map((a) => a.sql).join(' OR ')})`, params: alternatives.flatMap((a) => a.params) };
}
