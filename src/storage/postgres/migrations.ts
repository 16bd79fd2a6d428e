/**
 * Versioned schema migrations of the PostgreSQL store: the same tables and semantics as the
 * SQLite store (`../sqlite/migrations.ts`). Applied at start-up under a session advisory lock
 * keyed on the schema, so that several nodes starting at once apply each migration exactly once;
 * each migration runs in its own transaction. Never edit a published migration: add a new one.
 *
 * `deleted` is a smallint (0/1) as in SQLite, so that the dialect-neutral SQL shared by both
 * adapters (`../access-sql.ts`, the search compiler) writes `deleted = 0` for both.
 *
 * Text columns compared by the search compiler use COLLATE "C" (code point order, like SQLite's
 * binary collation), whatever the database's default collation: prefix ranges (`>= v AND < v ||
 * U+10FFFF`), sort order and keyset paging then behave exactly as on SQLite.
 */
import type pg from 'pg';
import { checkSchemaName } from './sql.js';

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
        rid bigserial PRIMARY KEY,
        type text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        last_updated bigint NOT NULL,
        deleted smallint NOT NULL DEFAULT 0,
        hid bigint NOT NULL,
        UNIQUE (type, id)
      );
      CREATE INDEX resources_type_updated ON resources (type, last_updated, rid);

      CREATE TABLE history (
        hid bigserial PRIMARY KEY,
        rid bigint NOT NULL,
        type text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        last_updated bigint NOT NULL,
        method text NOT NULL,
        json text,
        UNIQUE (rid, version)
      );
      CREATE INDEX history_updated ON history (last_updated, hid);
      CREATE INDEX history_type_updated ON history (type, last_updated, hid);

      CREATE TABLE blobs (
        hid bigint PRIMARY KEY,
        data bytea NOT NULL
      );

      CREATE TABLE search_params (
        pid serial PRIMARY KEY,
        type text COLLATE "C" NOT NULL,
        code text COLLATE "C" NOT NULL,
        UNIQUE (type, code)
      );

      CREATE TABLE sp_token (rid bigint NOT NULL, pid integer NOT NULL, system text COLLATE "C", code text COLLATE "C", text text COLLATE "C");
      CREATE INDEX sp_token_code ON sp_token (pid, code, system, rid);
      CREATE INDEX sp_token_rid ON sp_token (rid);

      CREATE TABLE sp_string (rid bigint NOT NULL, pid integer NOT NULL, norm text COLLATE "C" NOT NULL, exact text COLLATE "C" NOT NULL);
      CREATE INDEX sp_string_norm ON sp_string (pid, norm, rid);
      CREATE INDEX sp_string_rid ON sp_string (rid);

      CREATE TABLE sp_date (rid bigint NOT NULL, pid integer NOT NULL, start bigint NOT NULL, "end" bigint NOT NULL);
      CREATE INDEX sp_date_start ON sp_date (pid, start, "end", rid);
      CREATE INDEX sp_date_rid ON sp_date (rid);

      CREATE TABLE sp_reference (rid bigint NOT NULL, pid integer NOT NULL, target_type text COLLATE "C", target_id text COLLATE "C", url text COLLATE "C");
      CREATE INDEX sp_reference_target ON sp_reference (pid, target_id, target_type, rid);
      CREATE INDEX sp_reference_rid ON sp_reference (rid);

      CREATE TABLE sp_number (rid bigint NOT NULL, pid integer NOT NULL, low double precision NOT NULL, high double precision NOT NULL);
      CREATE INDEX sp_number_low ON sp_number (pid, low, high, rid);
      CREATE INDEX sp_number_rid ON sp_number (rid);

      CREATE TABLE sp_quantity (rid bigint NOT NULL, pid integer NOT NULL, system text COLLATE "C", code text COLLATE "C", unit text COLLATE "C", low double precision NOT NULL, high double precision NOT NULL);
      CREATE INDEX sp_quantity_low ON sp_quantity (pid, code, low, rid);
      CREATE INDEX sp_quantity_rid ON sp_quantity (rid);

      CREATE TABLE sp_uri (rid bigint NOT NULL, pid integer NOT NULL, uri text COLLATE "C" NOT NULL);
      CREATE INDEX sp_uri_uri ON sp_uri (pid, uri, rid);
      CREATE INDEX sp_uri_rid ON sp_uri (rid);

      CREATE TABLE links (rid bigint NOT NULL, target_type text COLLATE "C" NOT NULL, target_id text COLLATE "C" NOT NULL);
      CREATE INDEX links_target ON links (target_id, target_type, rid);
      CREATE INDEX links_rid ON links (rid);
    `,
  },
  {
    version: 2,
    description: 'access control: notebook compartment, audience labels, owners, circle of care',
    sql: `
      ALTER TABLE resources ADD COLUMN patient_id text COLLATE "C";
      ALTER TABLE resources ADD COLUMN label_mask integer NOT NULL DEFAULT 0;
      ALTER TABLE resources ADD COLUMN owner_rid bigint;
      ALTER TABLE history ADD COLUMN label_mask integer NOT NULL DEFAULT 0;
      CREATE INDEX resources_patient ON resources (patient_id, type, rid);
      CREATE INDEX resources_owner ON resources (owner_rid);

      CREATE TABLE circle (
        source_rid bigint NOT NULL,
        patient_id text COLLATE "C" NOT NULL,
        member_type text COLLATE "C" NOT NULL,
        member_id text COLLATE "C" NOT NULL,
        start bigint NOT NULL,
        "end" bigint NOT NULL
      );
      CREATE INDEX circle_member ON circle (member_id, member_type, patient_id, start, "end");
      CREATE INDEX circle_source ON circle (source_rid);

      CREATE TABLE audit_chain (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL,
        hash text NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'index rows reached by (rid, pid); dates also by end; resources by (type, rid) for searches without a driving filter',
    sql: `
      CREATE INDEX sp_token_rid_pid ON sp_token (rid, pid);
      CREATE INDEX sp_string_rid_pid ON sp_string (rid, pid);
      CREATE INDEX sp_date_rid_pid ON sp_date (rid, pid);
      CREATE INDEX sp_date_end ON sp_date (pid, "end", start, rid);
      CREATE INDEX sp_reference_rid_pid ON sp_reference (rid, pid);
      CREATE INDEX sp_number_rid_pid ON sp_number (rid, pid);
      CREATE INDEX sp_quantity_rid_pid ON sp_quantity (rid, pid);
      CREATE INDEX sp_uri_rid_pid ON sp_uri (rid, pid);
      DROP INDEX sp_token_rid;
      DROP INDEX sp_string_rid;
      DROP INDEX sp_date_rid;
      DROP INDEX sp_reference_rid;
      DROP INDEX sp_number_rid;
      DROP INDEX sp_quantity_rid;
      DROP INDEX sp_uri_rid;
      CREATE INDEX resources_type_rid ON resources (type, rid);
    `,
  },
];

/** Advisory-lock namespace of schema migrations (first key); the second key hashes the schema. */
export const MIGRATION_LOCK_NAMESPACE = 0x43444c00; // "CDL\0"

/**
 * Creates the schema when missing and applies the migrations not yet recorded in
 * `schema_migrations`, holding a session advisory lock so that concurrent starts serialize.
 * Returns the versions applied by this call.
 */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number[]> {
  checkSchemaName(schema);
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_NAMESPACE, schema]);
  try {
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_NAMESPACE, schema]).catch(() => undefined);
  }
}
