/**
 * Executes a search on SQLite: chooses a driving filter (the most selective), checks the others
 * per candidate row, sorts, pages by keyset, counts, and follows _include/_revinclude.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SearchPosition, SearchQuery, SearchResult } from '../../engine/storage-port.js';
import type { SearchFilter, SearchRequest } from '../../fhir/search/search-request.js';
import { accessPredicate } from '../access-sql.js';
import { createFilterCompiler, NOT_INDEXED_TYPE, type AccessFor, type FilterCompiler, type PidOf, type Sql } from './search-filters.js';
import { includeResources } from './search-includes.js';
import { type ResourceRow, toVersion } from './search-rows.js';
import { afterPosition, orderBy, sortExpressions } from './search-sort.js';
import { sortDrivable, sortDrivenPage, type SortDrivenRow } from './search-sort-driven.js';

/** How many candidate rows a probe looks at before calling a filter "broad". */
const PROBE_LIMIT = 2000;

interface MatchRow extends ResourceRow {
  [sortKey: `k${number}`]: string | number;
}

/** Filters that name their targets precisely, ranked (lower = more selective). */
function staticRank(f: SearchFilter): number | undefined {
  if (f.kind === 'id') return 0;
  if (f.kind === 'reference') return 1;
  if (f.kind === 'chain') return 2;
  if (f.kind === 'token' && !f.negate && /identifier$/.test(f.param)) return 3;
  return undefined;
}

export class SqliteSearch {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly pidOf: PidOf,
  ) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  private chooseDriver(req: SearchRequest, compiler: FilterCompiler): number {
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
    req.filters.forEach((f, i) => {
      if (!compiler.canDrive(f)) return;
      const d = compiler.compile(f, req.resourceType, 'p', 'driver');
      // The driver form is `p.rid IN (<subquery>)`: probe the subquery's size, bounded.
      const sub = d.sql.slice(d.sql.indexOf('(') + 1, -1);
      const n = this.prepare(`SELECT count(*) FROM (${sub} LIMIT ${PROBE_LIMIT})`).pluck().get(...d.params) as number;
      if (n < bestCount) {
        best = i;
        bestCount = n;
      }
    });
    return best;
  }

  /** The WHERE clause (conditions on alias `a`) shared by the page and the total. */
  private where(req: SearchRequest, driver: number, compiler: FilterCompiler, accessFor: AccessFor): Sql {
    // With a driving filter, rows come by rid: keep the planner off the low-selectivity type index.
    const parts: string[] = driver >= 0 ? [NOT_INDEXED_TYPE('a'), 'a.deleted + 0 = 0'] : ['a.type = ?', 'a.deleted = 0'];
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

  run(q: SearchQuery): SearchResult {
    const req = q.request;
    const authorPid = this.pidOf('DocumentReference', 'author');
    const accessFor: AccessFor = (alias) => accessPredicate(q.access, alias, { authorPid });
    const compiler = createFilterCompiler(this.pidOf, accessFor);
    const driver = this.chooseDriver(req, compiler);
    const where = this.where(req, driver, compiler, accessFor);
    const sorts = sortExpressions(req.sort, req.resourceType, 'a', this.pidOf);
    const order = orderBy(sorts);

    let from = 'resources a';
    if (driver < 0 && req.sort.length === 0) from = 'resources a INDEXED BY resources_type_rid';
    else if (driver < 0 && req.sort.length === 1 && req.sort[0]!.param === '_lastUpdated') from = 'resources a INDEXED BY resources_type_updated';

    let total: number | undefined;
    if (q.countTotal) {
      total = this.prepare(`SELECT count(*) FROM ${from} WHERE ${where.sql}`).pluck().get(...where.params) as number;
    }
    const result: SearchResult = { matches: [], included: [] };
    if (total !== undefined) result.total = total;
    if (req.count === 0) return result;

    let rows: MatchRow[] | undefined;
    if (driver < 0 && sortDrivable(req.sort)) {
      // Walk the date index in order; a page it cannot fill goes to the general plan below.
      const st = sortDrivenPage(req.resourceType, req.sort[0]!, where, q.after, req.count + 1, this.pidOf);
      const walked = this.prepare(st.sql).all(...st.params) as SortDrivenRow[];
      if (walked.length > req.count) rows = walked as unknown as MatchRow[];
    }
    if (!rows) {
      const keyCols = sorts.map((s, i) => `${s.sql} AS k${i}`).join(', ');
      const keyParams = sorts.flatMap((s) => s.params);
      let cond = where;
      if (q.after) {
        const after = afterPosition(sorts, q.after);
        cond = { sql: `${where.sql} AND ${after.sql}`, params: [...where.params, ...after.params] };
      }
      // Sort keys and storage keys first; the JSON only for the rows of the page.
      const sql = `SELECT m.*, h.json FROM (SELECT a.rid, a.type, a.id, a.version, a.last_updated, a.hid, a.patient_id, ${keyCols}
        FROM ${from} WHERE ${cond.sql} ORDER BY ${order.sql} LIMIT ?) m JOIN history h ON h.hid = m.hid
        ORDER BY ${sorts.map((e, i) => `m.k${i} ${e.descending ? 'DESC' : 'ASC'}`).join(', ')}`;
      rows = this.prepare(sql).all(...keyParams, ...cond.params, ...order.params, req.count + 1) as MatchRow[];
    }
    const page = rows.slice(0, req.count);
    result.matches = page.map(toVersion);
    const last = page[page.length - 1];
    if (rows.length > req.count && last) {
      result.next = sorts.map((_, i) => last[`k${i}`]) as SearchPosition;
    }
    if (req.include.length > 0 || req.revinclude.length > 0) {
      result.included = includeResources((s) => this.prepare(s), this.pidOf, req, page, accessFor);
    }
    return result;
  }
}
