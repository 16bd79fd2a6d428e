/**
 * Executes a search on PostgreSQL with the same plan as SQLite (`../sqlite/search-exec.ts`):
 * chooses a driving filter (the most selective), checks the others per candidate row, sorts,
 * pages by keyset, counts, and follows _include/_revinclude. The filter compiler, the access
 * predicate and the sort expressions are the dialect-neutral ones shared with SQLite, so an
 * access rule is added in one place for both adapters (`accessFor` below, and `../access-sql.ts`).
 */
import type { SearchPosition, SearchQuery, SearchResult } from '../../engine/storage-port.js';
import type { SearchFilter, SearchRequest } from '../../fhir/search/search-request.js';
import { accessPredicate } from '../access-sql.js';
import { createFilterCompiler, type AccessFor, type FilterCompiler, type PidOf } from '../sqlite/search-filters.js';
import { type ResourceRow, toVersion } from '../sqlite/search-rows.js';
import { afterPosition, sortExpressions } from '../sqlite/search-sort.js';
import { includeResources } from './search-includes.js';
import { toPg, type Query, type Sql } from './sql.js';

/** How many candidate rows a probe looks at before calling a filter "broad". */
const PROBE_LIMIT = 2000;

type MatchRow = ResourceRow & Record<`k${number}`, string | number>;

/** Filters that name their targets precisely, ranked (lower = more selective). */
function staticRank(f: SearchFilter): number | undefined {
  if (f.kind === 'id') return 0;
  if (f.kind === 'reference') return 1;
  if (f.kind === 'chain') return 2;
  if (f.kind === 'token' && !f.negate && /identifier$/.test(f.param)) return 3;
  return undefined;
}

/** Runs `sql` (with `?` markers) through `query`. */
export const run = <R>(query: Query, s: Sql): Promise<R[]> => {
  const pg = toPg(s.sql, s.params);
  return query<R>(pg.sql, pg.params);
};

async function chooseDriver(query: Query, req: SearchRequest, compiler: FilterCompiler): Promise<number> {
  let best = -1;
  let bestRank = Infinity;
  req.filters.forEach((f, i) => {
    const rank = compiler.canDrive(f) ? staticRank(f) : undefined;
    if (rank !== undefined && rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  if (best >= 0) return best;
  let bestCount = PROBE_LIMIT;
  for (const [i, f] of req.filters.entries()) {
    if (!compiler.canDrive(f)) continue;
    const d = compiler.compile(f, req.resourceType, 'p', 'driver');
    // The driver form is `p.rid IN (<subquery>)`: probe the subquery's size, bounded.
    const sub = d.sql.slice(d.sql.indexOf('(') + 1, -1);
    const [row] = await run<{ n: number }>(query, { sql: `SELECT count(*)::int AS n FROM (${sub} LIMIT ${PROBE_LIMIT}) probe`, params: d.params });
    if (row!.n < bestCount) {
      best = i;
      bestCount = row!.n;
    }
  }
  return best;
}

/** The WHERE clause (conditions on alias `a`) shared by the page and the total. */
function where(req: SearchRequest, driver: number, compiler: FilterCompiler, accessFor: AccessFor): Sql {
  const parts: string[] = ['a.type = ?', 'a.deleted = 0'];
  const params: unknown[] = [req.resourceType];
  req.filters.forEach((f, i) => {
    const c = compiler.compile(f, req.resourceType, 'a', i === driver ? 'driver' : 'check');
    parts.push(c.sql);
    params.push(...c.params);
  });
  const acc = accessFor('a');
  if (acc) {
    parts.push(acc.sql);
    params.push(...acc.params);
  }
  return { sql: parts.join(' AND '), params };
}

/** Runs a search with `query` (one connection when the caller needs a consistent snapshot). */
export async function runSearch(query: Query, pidOf: PidOf, q: SearchQuery): Promise<SearchResult> {
  const req = q.request;
  const authorPid = pidOf('DocumentReference', 'author');
  const accessFor: AccessFor = (alias) => accessPredicate(q.access, alias, { authorPid });
  const compiler = createFilterCompiler(pidOf, accessFor);
  const driver = await chooseDriver(query, req, compiler);
  const cond0 = where(req, driver, compiler, accessFor);
  const sorts = sortExpressions(req.sort, req.resourceType, 'a', pidOf);

  const result: SearchResult = { matches: [], included: [] };
  if (q.countTotal) {
    const [row] = await run<{ n: number }>(query, { sql: `SELECT count(*)::int AS n FROM resources a WHERE ${cond0.sql}`, params: cond0.params });
    result.total = row!.n;
  }
  if (req.count === 0) return result;

  const keyCols = sorts.map((s, i) => `${s.sql} AS k${i}`).join(', ');
  const keyParams = sorts.flatMap((s) => s.params);
  let cond = cond0;
  if (q.after) {
    const after = afterPosition(sorts, q.after);
    cond = { sql: `${cond0.sql} AND ${after.sql}`, params: [...cond0.params, ...after.params] };
  }
  // ORDER BY names the output columns, so each sort expression is computed once per row.
  const order = sorts.map((s, i) => `k${i} ${s.descending ? 'DESC' : 'ASC'}`).join(', ');
  // Without a driving filter or a sort, walk the type newest first and stop at the page: the
  // OFFSET 0 fence keeps the planner from estimating the checks (correlated, often misjudged as
  // very selective) and choosing to read every candidate and sort them.
  const from =
    driver < 0 && req.sort.length === 0
      ? { sql: '(SELECT * FROM resources WHERE type = ? AND deleted = 0 ORDER BY rid DESC OFFSET 0) a', params: [req.resourceType] }
      : { sql: 'resources a', params: [] };
  const rows = await run<MatchRow>(query, {
    sql: `SELECT a.rid, a.type, a.id, a.version, a.last_updated, h.json, a.patient_id, ${keyCols}
      FROM ${from.sql} JOIN history h ON h.hid = a.hid
      WHERE ${cond.sql} ORDER BY ${order} LIMIT ?`,
    params: [...keyParams, ...from.params, ...cond.params, req.count + 1],
  });
  const page = rows.slice(0, req.count);
  result.matches = page.map(toVersion);
  const last = page[page.length - 1];
  if (rows.length > req.count && last) {
    result.next = sorts.map((_, i) => last[`k${i}`]) as SearchPosition;
  }
  if (req.include.length > 0 || req.revinclude.length > 0) {
    result.included = await includeResources(query, pidOf, req, page, accessFor);
  }
  return result;
}
