/**
 * A backend-neutral dump of everything a store holds — versions in write order, Binary bytes,
 * every derived row (index, links, compartments, labels, owners, circle of care) and the audit
 * chain — with internal keys (rid, hid, pid) replaced by what they name, so two stores (SQLite or
 * PostgreSQL) can be compared for equality after an import.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { runSql } from '../../src/storage/postgres/test-schema.js';

/** Table → rows (each row a JSON array of strings/nulls); sorted unless the order is meaningful. */
export type StoreDump = Record<string, string[]>;

const R = 'JOIN resources r ON r.rid = t.rid JOIN search_params p ON p.pid = t.pid';

const QUERIES: Array<{ name: string; sql: string; ordered?: boolean }> = [
  // The order resources were first written in (an import numbers them in that order; the source's
  // own rids may interleave differently where writers ran concurrently, e.g. the audit writer).
  {
    name: 'resources (first-write order)',
    sql: 'SELECT r.type, r.id FROM resources r ORDER BY (SELECT min(h.hid) FROM history h WHERE h.rid = r.rid)',
    ordered: true,
  },
  {
    name: 'resources',
    sql: `SELECT r.type, r.id, r.version, r.last_updated, r.deleted, r.patient_id, r.label_mask, o.type AS owner_type, o.id AS owner_id,
      h.version AS current_version FROM resources r LEFT JOIN resources o ON o.rid = r.owner_rid JOIN history h ON h.hid = r.hid`,
  },
  {
    name: 'history (write order)',
    sql: 'SELECT r.type, r.id, h.version, h.last_updated, h.method, h.json, h.label_mask FROM history h JOIN resources r ON r.rid = h.rid ORDER BY h.hid',
    ordered: true,
  },
  { name: 'blobs', sql: 'SELECT r.type, r.id, h.version, b.data FROM blobs b JOIN history h ON h.hid = b.hid JOIN resources r ON r.rid = h.rid' },
  { name: 'sp_token', sql: `SELECT r.type, r.id, p.code AS param, t.system, t.code, t.text FROM sp_token t ${R}` },
  { name: 'sp_string', sql: `SELECT r.type, r.id, p.code AS param, t.norm, t.exact FROM sp_string t ${R}` },
  { name: 'sp_date', sql: `SELECT r.type, r.id, p.code AS param, t.start, t."end" FROM sp_date t ${R}` },
  { name: 'sp_reference', sql: `SELECT r.type, r.id, p.code AS param, t.target_type, t.target_id, t.url FROM sp_reference t ${R}` },
  { name: 'sp_number', sql: `SELECT r.type, r.id, p.code AS param, t.low, t.high FROM sp_number t ${R}` },
  { name: 'sp_quantity', sql: `SELECT r.type, r.id, p.code AS param, t.system, t.code, t.unit, t.low, t.high FROM sp_quantity t ${R}` },
  { name: 'sp_uri', sql: `SELECT r.type, r.id, p.code AS param, t.uri FROM sp_uri t ${R}` },
  { name: 'links', sql: 'SELECT r.type, r.id, t.target_type, t.target_id FROM links t JOIN resources r ON r.rid = t.rid' },
  { name: 'circle', sql: 'SELECT r.type, r.id, c.patient_id, c.member_type, c.member_id, c.start, c."end" FROM circle c JOIN resources r ON r.rid = c.source_rid' },
  { name: 'audit_chain', sql: 'SELECT event_id, hash FROM audit_chain ORDER BY seq', ordered: true },
];

const cell = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `sha256:${createHash('sha256').update(v).digest('hex')}:${v.length}`;
  return String(v);
};

function normalize(rows: Array<Record<string, unknown>>, ordered: boolean | undefined): string[] {
  const lines = rows.map((row) => JSON.stringify(Object.values(row).map(cell)));
  return ordered ? lines : lines.sort();
}

/** Dumps a store through any SQL runner of its database (e.g. `TestServer.sql`). */
export async function dumpStore(run: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<StoreDump> {
  const out: StoreDump = {};
  for (const q of QUERIES) out[q.name] = normalize(await run(q.sql), q.ordered);
  return out;
}

export function dumpSqlite(file: string): StoreDump {
  const db = new Database(file, { readonly: true });
  try {
    const out: StoreDump = {};
    for (const q of QUERIES) out[q.name] = normalize(db.prepare(q.sql).all() as Array<Record<string, unknown>>, q.ordered);
    return out;
  } finally {
    db.close();
  }
}

export const dumpPostgres = (url: string, schema: string): Promise<StoreDump> => dumpStore((sql) => runSql(url, schema, sql));

/** Row counts, to check a dump is not trivially empty. */
export const dumpSizes = (d: StoreDump): Record<string, number> => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.length]));
