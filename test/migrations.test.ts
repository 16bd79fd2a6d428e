/**
 * End-to-end: versioned schema migrations are applied when the server starts (SQLite, or
 * PostgreSQL when CDL_TEST_DATABASE_URL is set), recorded once each, and a restart on the same
 * database applies nothing again and keeps the data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../src/server/config.js';
import { createServer } from '../src/server/compose.js';
import { migrations as sqliteMigrations } from '../src/storage/sqlite/migrations.js';
import { migrations as postgresMigrations } from '../src/storage/postgres/migrations.js';
import { dropSchema, freshSchemaName, runSql } from '../src/storage/postgres/test-schema.js';
import { patient } from './support/fixtures.js';

describe('schema migrations', () => {
  const pgUrl = process.env.CDL_TEST_DATABASE_URL;
  const schema = freshSchemaName('cdl_migr');
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-migr-'));
  const env = { CDL_DATA_DIR: dataDir, CDL_AUTH_DISABLED: 'true', ...(pgUrl ? { CDL_DATABASE_URL: pgUrl, CDL_DATABASE_SCHEMA: schema } : {}) };
  after(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl) await dropSchema(pgUrl, schema);
  });

  const applied = async (): Promise<Array<{ version: number; applied_at: string }>> => {
    const sql = 'SELECT version, applied_at FROM schema_migrations ORDER BY version';
    if (pgUrl) return (await runSql<{ version: number; applied_at: unknown }>(pgUrl, schema, sql)).map((r) => ({ version: Number(r.version), applied_at: String(r.applied_at) }));
    const db = new Database(join(dataDir, 'cdl.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all() as Array<{ version: number; applied_at: string }>;
    } finally {
      db.close();
    }
  };

  const start = async () => {
    const server = await createServer(loadConfig(env), { logger: pino({ level: 'silent' }) });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.app.server.address();
    return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir` };
  };

  it('every migration is applied at the first start, none again at a restart; data survives', async () => {
    const expected = (pgUrl ? postgresMigrations : sqliteMigrations).map((m) => m.version);
    assert.ok(expected.length >= 2);
    const first = await start();
    const created = await fetch(`${first.base}/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(patient()) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    await first.server.close();
    const once = await applied();
    assert.deepEqual(once.map((r) => r.version), expected);
    const second = await start();
    try {
      assert.deepEqual(await applied(), once, 'a restart applies nothing again');
      assert.equal((await fetch(`${second.base}/Patient/${id}`)).status, 200);
    } finally {
      await second.server.close();
    }
  });
});
