/**
 * _include (incl. `*` and :iterate) and _revinclude on PostgreSQL: the same semantics as
 * `../sqlite/search-includes.ts`, with one statement per include spec (targets resolved in SQL
 * rather than one lookup per target, since every statement is a network round trip here).
 */
import type { StoredVersion } from '../../engine/storage-port.js';
import type { IncludeSpec, SearchRequest } from '../../fhir/search/search-request.js';
import type { AccessFor, PidOf } from '../sqlite/search-filters.js';
import { type ResourceRow as Row, toVersion } from '../sqlite/search-rows.js';
import { toPg, type Query } from './sql.js';

/** At most this many resources are added to one page by includes. */
const MAX_INCLUDED = 1000;
const MAX_ITERATIONS = 4;

const SELECT = 'SELECT a.rid, a.type, a.id, a.version, a.last_updated, h.json, a.patient_id FROM resources a JOIN history h ON h.hid = a.hid';

export async function includeResources(query: Query, pidOf: PidOf, req: SearchRequest, page: Row[], accessFor: AccessFor): Promise<StoredVersion[]> {
  // Included resources pass the caller's access predicate like matches do.
  const acc = accessFor('a');
  const accSql = acc ? ` AND ${acc.sql}` : '';
  const accParams = acc?.params ?? [];
  const seen = new Set(page.map((r) => `${r.type}/${r.id}`));
  const included: Row[] = [];
  const add = (rows: Row[]): Row[] => {
    const fresh: Row[] = [];
    for (const r of rows) {
      const key = `${r.type}/${r.id}`;
      if (seen.has(key) || included.length >= MAX_INCLUDED) continue;
      seen.add(key);
      included.push(r);
      fresh.push(r);
    }
    return fresh;
  };
  const select = (sql: string, params: unknown[]): Promise<Row[]> => {
    const s = toPg(sql, params);
    return query<Row>(s.sql, s.params);
  };

  const forward = async (sources: Row[], specs: IncludeSpec[]): Promise<Row[]> => {
    const out: Row[] = [];
    for (const spec of specs) {
      const rids = sources.filter((s) => spec.sourceType === '*' || s.type === spec.sourceType).map((s) => s.rid);
      if (rids.length === 0) continue;
      const params: unknown[] = [rids];
      let targets = 'SELECT x.target_type, x.target_id FROM sp_reference x WHERE x.rid = ANY(?::bigint[]) AND x.target_id IS NOT NULL AND x.target_type IS NOT NULL';
      if (spec.param !== '*') {
        targets += ' AND x.pid = ?';
        params.push(pidOf(spec.sourceType, spec.param));
      }
      if (spec.targetType !== null) {
        targets += ' AND x.target_type = ?';
        params.push(spec.targetType);
      }
      out.push(...(await select(`${SELECT} WHERE (a.type, a.id) IN (${targets}) AND a.deleted = 0${accSql} ORDER BY a.rid`, [...params, ...accParams])));
    }
    return add(out);
  };

  const reverse = async (sources: Row[], specs: IncludeSpec[]): Promise<Row[]> => {
    const out: Row[] = [];
    for (const spec of specs) {
      const targets = sources.filter((s) => spec.targetType === null || s.type === spec.targetType);
      if (targets.length === 0) continue;
      const rows = await select(
        `${SELECT} WHERE a.rid IN (SELECT x.rid FROM sp_reference x WHERE x.pid = ? AND (x.target_type, x.target_id) IN (SELECT * FROM unnest(?::text[], ?::text[])))
          AND a.type = ? AND a.deleted = 0${accSql} ORDER BY a.rid`,
        [pidOf(spec.sourceType, spec.param), targets.map((t) => t.type), targets.map((t) => t.id), spec.sourceType, ...accParams],
      );
      out.push(...rows);
    }
    return add(out);
  };

  let fresh = [
    ...(await forward(page, req.include.filter((s) => s.sourceType === req.resourceType || s.sourceType === '*'))),
    ...(await reverse(page, req.revinclude)),
  ];
  const iterInclude = req.include.filter((s) => s.iterate);
  const iterRev = req.revinclude.filter((s) => s.iterate);
  for (let i = 0; i < MAX_ITERATIONS && fresh.length > 0 && (iterInclude.length > 0 || iterRev.length > 0); i++) {
    fresh = [...(await forward(fresh, iterInclude)), ...(await reverse(fresh, iterRev))];
  }
  return included.map(toVersion);
}
