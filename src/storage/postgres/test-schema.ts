/** Throw-away schemas for tests that run on PostgreSQL (`CDL_TEST_DATABASE_URL`). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { checkSchemaName, toPg } from './sql.js';

/** A new, unique schema name (the schema itself is created by `PostgresStorage.open`). */
export function freshSchemaName(prefix = 'cdl_test'): string {
  return checkSchemaName(`${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`);
}

/** Drops a schema and everything in it. */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${checkSchemaName(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs one statement (`?` markers) in a schema, outside any server: for tests that tamper with storage. */
export async function runSql<R = Record<string, unknown>>(connectionString: string, schema: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString, options: `-c search_path=${checkSchemaName(schema)}` });
  await client.connect();
  try {
    const q = toPg(text, params);
    return (await client.query(q.sql, q.params)).rows as R[];
  } finally {
    await client.end();
  }
}
