/**
 * Versioned schema migrations of the SQLite store, applied in order at start-up inside one
 * transaction each. Never edit a published migration: add a new one.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'resources, immutable history, blobs, search index tables, reference links',
    sql: `
      CREATE TABLE resources (
        rid INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_updated INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        hid INTEGER NOT NULL,
        UNIQUE (type, id)
      );
      CREATE INDEX resources_type_updated ON resources (type, last_updated, rid);

      CREATE TABLE history (
        hid INTEGER PRIMARY KEY,
        rid INTEGER NOT NULL,
        type TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_updated INTEGER NOT NULL,
        method TEXT NOT NULL,
        json TEXT,
        UNIQUE (rid, version)
      );
      CREATE INDEX history_updated ON history (last_updated, hid);
      CREATE INDEX history_type_updated ON history (type, last_updated, hid);

      CREATE TABLE blobs (
        hid INTEGER PRIMARY KEY,
        data BLOB NOT NULL
      );

      CREATE TABLE search_params (
        pid INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        code TEXT NOT NULL,
        UNIQUE (type, code)
      );

      CREATE TABLE sp_token (rid INTEGER NOT NULL, pid INTEGER NOT NULL, system TEXT, code TEXT, text TEXT);
      CREATE INDEX sp_token_code ON sp_token (pid, code, system, rid);
      CREATE INDEX sp_token_rid ON sp_token (rid);

      CREATE TABLE sp_string (rid INTEGER NOT NULL, pid INTEGER NOT NULL, norm TEXT NOT NULL, exact TEXT NOT NULL);
      CREATE INDEX sp_string_norm ON sp_string (pid, norm, rid);
      CREATE INDEX sp_string_rid ON sp_string (rid);

      CREATE TABLE sp_date (rid INTEGER NOT NULL, pid INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL);
      CREATE INDEX sp_date_start ON sp_date (pid, start, end, rid);
      CREATE INDEX sp_date_rid ON sp_date (rid);

      CREATE TABLE sp_reference (rid INTEGER NOT NULL, pid INTEGER NOT NULL, target_type TEXT, target_id TEXT, url TEXT);
      CREATE INDEX sp_reference_target ON sp_reference (pid, target_id, target_type, rid);
      CREATE INDEX sp_reference_rid ON sp_reference (rid);

      CREATE TABLE sp_number (rid INTEGER NOT NULL, pid INTEGER NOT NULL, low REAL NOT NULL, high REAL NOT NULL);
      CREATE INDEX sp_number_low ON sp_number (pid, low, high, rid);
      CREATE INDEX sp_number_rid ON sp_number (rid);

      CREATE TABLE sp_quantity (rid INTEGER NOT NULL, pid INTEGER NOT NULL, system TEXT, code TEXT, unit TEXT, low REAL NOT NULL, high REAL NOT NULL);
      CREATE INDEX sp_quantity_low ON sp_quantity (pid, code, low, rid);
      CREATE INDEX sp_quantity_rid ON sp_quantity (rid);

      CREATE TABLE sp_uri (rid INTEGER NOT NULL, pid INTEGER NOT NULL, uri TEXT NOT NULL);
      CREATE INDEX sp_uri_uri ON sp_uri (pid, uri, rid);
      CREATE INDEX sp_uri_rid ON sp_uri (rid);

      CREATE TABLE links (rid INTEGER NOT NULL, target_type TEXT NOT NULL, target_id TEXT NOT NULL);
      CREATE INDEX links_target ON links (target_id, target_type, rid);
      CREATE INDEX links_rid ON links (rid);
    `,
  },
  {
    version: 2,
    description: 'access control: notebook compartment, audience labels, owners, circle of care',
    sql: `
      ALTER TABLE resources ADD COLUMN patient_id TEXT;
      ALTER TABLE resources ADD COLUMN label_mask INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE resources ADD COLUMN owner_rid INTEGER;
      ALTER TABLE history ADD COLUMN label_mask INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX resources_patient ON resources (patient_id, type, rid);
      CREATE INDEX resources_owner ON resources (owner_rid);

      CREATE TABLE circle (
        source_rid INTEGER NOT NULL,
        patient_id TEXT NOT NULL,
        member_type TEXT NOT NULL,
        member_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
      );
      CREATE INDEX circle_member ON circle (member_id, member_type, patient_id, start, end);
      CREATE INDEX circle_source ON circle (source_rid);

      CREATE TABLE audit_chain (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'index rows reached by (rid, pid): per-row checks, sort keys and includes never scan a parameter; dates also by end (ge, gt, sa)',
    // Without statistics SQLite preferred (pid, value…) over (rid) for "rid = ? AND pid = ?",
    // scanning every row of the parameter per candidate; (rid, pid) matches both equalities.
    sql: `
      DROP INDEX sp_token_rid;
      CREATE INDEX sp_token_rid_pid ON sp_token (rid, pid);
      DROP INDEX sp_string_rid;
      CREATE INDEX sp_string_rid_pid ON sp_string (rid, pid);
      DROP INDEX sp_date_rid;
      CREATE INDEX sp_date_rid_pid ON sp_date (rid, pid);
      CREATE INDEX sp_date_end ON sp_date (pid, end, start, rid);
      DROP INDEX sp_reference_rid;
      CREATE INDEX sp_reference_rid_pid ON sp_reference (rid, pid);
      DROP INDEX sp_number_rid;
      CREATE INDEX sp_number_rid_pid ON sp_number (rid, pid);
      DROP INDEX sp_quantity_rid;
      CREATE INDEX sp_quantity_rid_pid ON sp_quantity (rid, pid);
      DROP INDEX sp_uri_rid;
      CREATE INDEX sp_uri_rid_pid ON sp_uri (rid, pid);
    `,
  },
  {
    version: 4,
    description: 'resources by (type, rid): searches without a driving filter walk one type newest first instead of the whole table',
    sql: `CREATE INDEX resources_type_rid ON resources (type, rid);`,
  },
];

/** Applies the migrations not yet recorded in `schema_migrations`. Returns the versions applied. */
export function migrate(db: BetterSqlite3.Database): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    }).immediate();
    done.push(m.version);
  }
  return done;
}
