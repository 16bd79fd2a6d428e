/** _include (incl. `*` and :iterate) and _revinclude on SQLite. */
import type BetterSqlite3 from 'better-sqlite3';
import type { StoredVersion } from '../../engine/storage-port.js';
import type { IncludeSpec, SearchRequest } from '../../fhir/search/search-request.js';
import type { AccessFor, PidOf } from './search-filters.js';
import { type ResourceRow as Row, toVersion } from './search-rows.js';

/** At most this many resources are added to one page by includes. */
const MAX_INCLUDED = 1000;
const MAX_ITERATIONS = 4;

const SELECT = 'SELECT a.rid, a.type, a.id, a.version, a.last_updated, h.json, a.patient_id FROM resources a JOIN history h ON h.hid = a.hid';

export function includeResources(
  prepare: (sql: string) => BetterSqlite3.Statement,
  pidOf: PidOf,
  req: SearchRequest,
  page: Row[],
  accessFor: AccessFor,
): StoredVersion[] {
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
  const byTarget = prepare(`${SELECT} WHERE a.type = ? AND a.id = ? AND a.deleted = 0${accSql}`);

  const forward = (sources: Row[], specs: IncludeSpec[]): Row[] => {
    const out: Row[] = [];
    for (const spec of specs) {
      const rids = sources.filter((s) => spec.sourceType === '*' || s.type === spec.sourceType).map((s) => s.rid);
      if (rids.length === 0) continue;
      const marks = rids.map(() => '?').join(',');
      const params: unknown[] = [...rids];
      let sql = `SELECT DISTINCT x.target_type, x.target_id FROM sp_reference x WHERE x.rid IN (${marks}) AND x.target_id IS NOT NULL AND x.target_type IS NOT NULL`;
      if (spec.param !== '*') {
        sql += ' AND x.pid + 0 = ?';
        params.push(pidOf(spec.sourceType, spec.param));
      }
      if (spec.targetType !== null) {
        sql += ' AND x.target_type = ?';
        params.push(spec.targetType);
      }
      const targets = prepare(sql).all(...params) as Array<{ target_type: string; target_id: string }>;
      for (const t of targets) {
        if (seen.has(`${t.target_type}/${t.target_id}`)) continue;
        const row = byTarget.get(t.target_type, t.target_id, ...accParams) as Row | undefined;
        if (row) out.push(row);
      }
    }
    return add(out);
  };

  const reverse = (sources: Row[], specs: IncludeSpec[]): Row[] => {
    const out: Row[] = [];
    for (const spec of specs) {
      const targets = sources.filter((s) => spec.targetType === null || s.type === spec.targetType);
      if (targets.length === 0) continue;
      // One indexed lookup per target (an OR of them would read every reference of the parameter).
      const lookups = targets.map(() => 'SELECT x.rid FROM sp_reference x WHERE x.pid = ? AND x.target_id = ? AND x.target_type = ?').join(' UNION ALL ');
      const pid = pidOf(spec.sourceType, spec.param);
      const rows = prepare(`${SELECT} WHERE a.rid IN (${lookups}) AND a.type || '' = ? AND a.deleted + 0 = 0${accSql}`).all(
        ...targets.flatMap((t) => [pid, t.id, t.type]),
        spec.sourceType,
        ...accParams,
      ) as Row[];
      out.push(...rows);
    }
    return add(out);
  };

  let fresh = [...forward(page, req.include.filter((s) => s.sourceType === req.resourceType || s.sourceType === '*')), ...reverse(page, req.revinclude)];
  const iterInclude = req.include.filter((s) => s.iterate);
  const iterRev = req.revinclude.filter((s) => s.iterate);
  for (let i = 0; i < MAX_ITERATIONS && fresh.length > 0 && (iterInclude.length > 0 || iterRev.length > 0); i++) {
    fresh = [...forward(fresh, iterInclude), ...reverse(fresh, iterRev)];
  }
  return included.map(toVersion);
}
