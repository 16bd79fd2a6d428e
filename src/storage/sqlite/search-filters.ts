/**
 * Compiles search filters (the AST of fhir/search) to SQLite predicates over the index tables.
 * Each filter becomes a boolean expression on `<alias>.rid`, in one of two forms:
 * - `driver`: `<alias>.rid IN (SELECT rid FROM <index> WHERE ...)` — good when it is selective;
 * - `check`:  `EXISTS (SELECT 1 FROM <index> WHERE rid = <alias>.rid AND ...)` — good per row.
 */
import type { DateValue, NumberValue, Prefix, SearchFilter, TokenValue } from '../../fhir/search/search-request.js';

export interface Sql {
  sql: string;
  params: unknown[];
}

/** Resolves a search parameter code of a type to its numeric id (-1 when never indexed). */
export type PidOf = (type: string, code: string) => number;

const TABLE: Record<string, string> = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  reference: 'sp_reference',
  number: 'sp_number',
  quantity: 'sp_quantity',
  uri: 'sp_uri',
};

/**
 * `type = ?` written so that no index is chosen for it (portable to SQLite and PostgreSQL): with
 * a selective driving subquery, rows are reached by rid, and the type index (low selectivity:
 * a handful of types over millions of rows) would turn the lookup into a scan.
 */
export const NOT_INDEXED_TYPE = (alias: string): string => `${alias}.type || '' = ?`;

/** The largest string sharing a prefix, for prefix ranges on an index. */
const prefixEnd = (p: string): string => `${p}\u{10FFFF}`;

const or = (parts: Sql[]): Sql =>
  parts.length === 1 ? parts[0]! : { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };

function tokenValue(v: TokenValue, x: string): Sql {
  switch (v.match) {
    case 'code':
      return { sql: `${x}.code = ?`, params: [v.code] };
    case 'system-code':
      return { sql: `(${x}.code = ? AND ${x}.system = ?)`, params: [v.code, v.system] };
    case 'no-system':
      return { sql: `(${x}.code = ? AND ${x}.system IS NULL)`, params: [v.code] };
    case 'system':
      return { sql: `${x}.system = ?`, params: [v.system] };
  }
}

/** FHIR R4 date prefix semantics between a search range [qs, qe] and a target range [s, e]. */
function dateValue(v: DateValue, s: string, e: string): Sql {
  const { start: qs, end: qe } = v;
  const within = `(${s} >= ? AND ${e} <= ?)`;
  // The redundant bounds (implied since start <= end) give the (pid, start) and (pid, end)
  // indexes a range to scan; without them an OR reads every date of the parameter.
  switch (v.prefix) {
    case 'eq':
      return { sql: `(${s} >= ? AND ${s} <= ? AND ${e} <= ?)`, params: [qs, qe, qe] };
    case 'ne':
      return { sql: `NOT ${within}`, params: [qs, qe] };
    case 'gt':
      return { sql: `${e} > ?`, params: [qe] };
    case 'lt':
      return { sql: `${s} < ?`, params: [qs] };
    case 'ge':
      return { sql: `(${e} >= ? AND (${e} > ? OR ${within}))`, params: [qs, qe, qs, qe] };
    case 'le':
      return { sql: `(${s} <= ? AND (${s} < ? OR ${within}))`, params: [qe, qs, qs, qe] };
    case 'sa':
      return { sql: `${s} > ?`, params: [qe] };
    case 'eb':
      return { sql: `${e} < ?`, params: [qs] };
    case 'ap':
      return { sql: `(${s} <= ? AND ${e} >= ?)`, params: [qe, qs] };
  }
}

/** Number/quantity prefixes between a search value (with its precision range) and a target [low, high]. */
function numberValue(v: NumberValue, low: string, high: string): Sql {
  const overlap = `(${high} >= ? AND ${low} <= ?)`;
  const ops: Record<Prefix, Sql> = {
    eq: { sql: overlap, params: [v.low, v.high] },
    ne: { sql: `NOT ${overlap}`, params: [v.low, v.high] },
    gt: { sql: `${high} > ?`, params: [v.value] },
    lt: { sql: `${low} < ?`, params: [v.value] },
    ge: { sql: `${high} >= ?`, params: [v.value] },
    le: { sql: `${low} <= ?`, params: [v.value] },
    sa: { sql: `${low} > ?`, params: [v.high] },
    eb: { sql: `${high} < ?`, params: [v.low] },
    ap: { sql: overlap, params: [v.value - Math.abs(v.value) * 0.1, v.value + Math.abs(v.value) * 0.1] },
  };
  return ops[v.prefix];
}

/** The condition on index rows (alias x) that a filter's values express; undefined for non-index filters. */
function rowCondition(f: SearchFilter, x: string): Sql | undefined {
  switch (f.kind) {
    case 'token':
      return or(f.values.map((v) => tokenValue(v, x)));
    case 'token-text':
      return or(f.values.map((v) => ({ sql: `(${x}.text >= ? AND ${x}.text < ?)`, params: [v, prefixEnd(v)] })));
    case 'string':
      return or(
        f.values.map((v) =>
          f.match === 'exact'
            ? { sql: `${x}.exact = ?`, params: [v] }
            : f.match === 'contains'
              ? { sql: `${x}.norm LIKE ? ESCAPE '\\'`, params: [`%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] }
              : { sql: `(${x}.norm >= ? AND ${x}.norm < ?)`, params: [v, prefixEnd(v)] },
        ),
      );
    case 'date':
      return or(f.values.map((v) => dateValue(v, `${x}.start`, `${x}.end`)));
    case 'number':
      return or(f.values.map((v) => numberValue(v, `${x}.low`, `${x}.high`)));
    case 'quantity':
      return or(
        f.values.map((v) => {
          const n = numberValue(v, `${x}.low`, `${x}.high`);
          if (v.code === null) return n;
          if (v.system === null) return { sql: `((${x}.code = ? OR ${x}.unit = ?) AND ${n.sql})`, params: [v.code, v.code, ...n.params] };
          return { sql: `(${x}.system = ? AND ${x}.code = ? AND ${n.sql})`, params: [v.system, v.code, ...n.params] };
        }),
      );
    case 'uri':
      return or(
        f.values.map((v) =>
          f.match === 'exact'
            ? { sql: `${x}.uri = ?`, params: [v] }
            : f.match === 'below'
              ? { sql: `(${x}.uri >= ? AND ${x}.uri < ?)`, params: [v, prefixEnd(v)] }
              : { sql: `? >= ${x}.uri AND substr(?, 1, length(${x}.uri)) = ${x}.uri`, params: [v, v] },
        ),
      );
    case 'reference':
      return or(
        f.values.map((v) =>
          v.match === 'url'
            ? { sql: `${x}.url = ?`, params: [v.url] }
            : v.targetType === null
              ? { sql: `${x}.target_id = ?`, params: [v.id] }
              : { sql: `(${x}.target_id = ? AND ${x}.target_type = ?)`, params: [v.id, v.targetType] },
        ),
      );
    default:
      return undefined;
  }
}

export interface FilterCompiler {
  /** A boolean expression on `<alias>.rid` (type `type`) in the requested form. */
  compile(f: SearchFilter, type: string, alias: string, form: 'driver' | 'check'): Sql;
  /** Whether a filter can drive a query (select candidate rids from an index). */
  canDrive(f: SearchFilter): boolean;
}

/** The caller's access predicate on a `resources` alias (undefined when unrestricted). */
export type AccessFor = (alias: string) => Sql | undefined;

export function createFilterCompiler(pidOf: PidOf, accessFor: AccessFor = () => undefined): FilterCompiler {
  let aliasSeq = 0;
  const nextAlias = () => `x${++aliasSeq}`;

  const compile = (f: SearchFilter, type: string, a: string, form: 'driver' | 'check'): Sql => {
    switch (f.kind) {
      case 'id':
        return { sql: `${a}.id IN (${f.values.map(() => '?').join(',')})`, params: f.values };
      case 'lastUpdated': {
        const c = or(f.values.map((v) => dateValue(v, `${a}.last_updated`, `${a}.last_updated`)));
        return c;
      }
      case 'missing': {
        const kind = f.paramType;
        const x = nextAlias();
        const exists = `EXISTS (SELECT 1 FROM ${TABLE[kind] ?? 'sp_token'} ${x} WHERE ${x}.rid = ${a}.rid AND ${x}.pid + 0 = ?)`;
        return { sql: f.missing ? `NOT ${exists}` : exists, params: [pidOf(type, f.param)] };
      }
      case 'chain': {
        const x = nextAlias();
        const pid = pidOf(type, f.param);
        // One condition per target type: "the reference points at a matching target of that type".
        const target = (t: (typeof f.targets)[number], ref: string): Sql => {
          const ta = nextAlias();
          const inner = compile(t.filter, t.type, ta, 'driver');
          // Hidden targets must not make anything match: the access predicate applies inside chains.
          const acc = accessFor(ta);
          return {
            sql: `${ref}.target_type = ? AND ${ref}.target_id IN (SELECT ${ta}.id FROM resources ${ta} WHERE ${inner.sql} AND ${NOT_INDEXED_TYPE(ta)} AND ${ta}.deleted + 0 = 0${acc ? ` AND ${acc.sql}` : ''})`,
            params: [t.type, ...inner.params, t.type, ...(acc?.params ?? [])],
          };
        };
        if (form === 'driver') {
          // A UNION ALL of per-type lookups, each on the (pid, target_id, target_type) index; an
          // OR inside one lookup would make the planner read every reference of the parameter.
          const branches = f.targets.map((t, i) => {
            const ref = `${x}_${i}`;
            const c = target(t, ref);
            return { sql: `SELECT ${ref}.rid FROM sp_reference ${ref} WHERE ${ref}.pid = ? AND ${c.sql}`, params: [pid, ...c.params] };
          });
          return { sql: `${a}.rid IN (${branches.map((b) => b.sql).join(' UNION ALL ')})`, params: branches.flatMap((b) => b.params) };
        }
        const cond = or(f.targets.map((t) => {
          const c = target(t, x);
          return { sql: `(${c.sql})`, params: c.params };
        }));
        return { sql: `EXISTS (SELECT 1 FROM sp_reference ${x} WHERE ${x}.rid = ${a}.rid AND ${x}.pid + 0 = ? AND ${cond.sql})`, params: [pid, ...cond.params] };
      }
      default: {
        const x = nextAlias();
        const table = TABLE[f.kind === 'token-text' ? 'token' : f.kind]!;
        const cond = rowCondition(f, x)!;
        const pid = pidOf(type, f.param);
        if (f.kind === 'token' && f.negate) {
          return { sql: `NOT EXISTS (SELECT 1 FROM ${table} ${x} WHERE ${x}.rid = ${a}.rid AND ${x}.pid + 0 = ? AND ${cond.sql})`, params: [pid, ...cond.params] };
        }
        return form === 'driver'
          ? { sql: `${a}.rid IN (SELECT ${x}.rid FROM ${table} ${x} WHERE ${x}.pid = ? AND ${cond.sql})`, params: [pid, ...cond.params] }
          : { sql: `EXISTS (SELECT 1 FROM ${table} ${x} WHERE ${x}.rid = ${a}.rid AND ${x}.pid + 0 = ? AND ${cond.sql})`, params: [pid, ...cond.params] };
      }
    }
  };

  const canDrive = (f: SearchFilter): boolean =>
    !((f.kind === 'token' && f.negate) || f.kind === 'missing' || f.kind === 'lastUpdated' ||
      (f.kind === 'date' && f.values.some((v) => v.prefix === 'ne')) ||
      (f.kind === 'number' && f.values.some((v) => v.prefix === 'ne')));

  return { compile, canDrive };
}
