/**
 * Export / import round trips (`src/storage/ndjson/`, `npm run export` / `npm run import`): a
 * notebook with history (updates, a deletion, a re-creation), Binaries, audience labels, a
 * CareTeam and relatives, Provenances and the audit chain, exported from one store and imported
 * into an empty one. The re-export is byte-identical, every derived row is the same, and a server
 * on the imported store answers as the original did. The PostgreSQL legs run when
 * CDL_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { verifyAuditChain } from '../src/engine/audit/verify-chain.js';
import { DatabaseBinaryStore } from '../src/engine/binary-store.js';
import type { Storage } from '../src/engine/storage-port.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../src/fhir/definitions/load.js';
import { restrictSearchParams } from '../src/fhir/definitions/restrict.js';
import { createIndexer } from '../src/fhir/search/indexer.js';
import { AUDIT_SEARCH_PARAMS, createServer } from '../src/server/compose.js';
import { DEFAULT_RESOURCE_TYPES, loadConfig } from '../src/server/config.js';
import { createDeriver } from '../src/storage/ndjson/derive.js';
import { exportStore } from '../src/storage/ndjson/exporter.js';
import { importStore, ImportRefusedError } from '../src/storage/ndjson/importer.js';
import { PostgresStorage } from '../src/storage/postgres/postgres-storage.js';
import { dropSchema, freshSchemaName } from '../src/storage/postgres/test-schema.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { FHIR_USER, loadCareCircle, noteId, replyId } from './support/care-circle.js';
import { dumpPostgres, dumpSqlite, dumpStore, type StoreDump } from './support/store-dump.js';
import { request, startTestServer, type TestServer } from './support/test-server.js';

const pgUrl = process.env.CDL_TEST_DATABASE_URL;
const ENV = { CDL_ATTACHMENT_INLINE_MAX: '1024' };
const binaries = new DatabaseBinaryStore();
const defs = restrictSearchParams(loadDefinitions(defaultDefinitionsCacheDir()), AUDIT_SEARCH_PARAMS);
const indexer = createIndexer(defs, DEFAULT_RESOURCE_TYPES);
const derive = createDeriver({ extract: (r) => indexer.extract(r as { resourceType: string }) });
const RAW = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const CLI = (name: string) => fileURLToPath(new URL(`../src/cli/${name}.js`, import.meta.url));

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};

/** History, a deletion, a re-creation, a raw Binary, on top of the care circle (labels, CareTeam, relatives, attachments). */
async function populate(t: TestServer): Promise<void> {
  const { tokens } = await loadCareCircle(t);
  const nurse = { authorization: `Bearer ${tokens.author}` };
  const ok = (r: { status: number; text: string }, status: number, what: string) => assert.equal(r.status, status, `${what}: ${r.text}`);
  const current = (await t.request('GET', `/DocumentReference/${noteId('none')}`, undefined, nurse)).body;
  for (const [i, v] of ['1', '2'].entries()) {
    const r = await t.request('PUT', `/DocumentReference/${noteId('none')}`, { ...current, meta: undefined, description: `révision ${i + 1}` }, { ...nurse, 'if-match': `W/"${v}"` });
    ok(r, 200, 'update');
  }
  ok(await t.request('DELETE', `/DocumentReference/${replyId('MASQUE_PS')}`, undefined, nurse), 200, 'delete');
  const z = { resourceType: 'Patient', id: 'Z', name: [{ family: 'Zola' }] };
  ok(await t.request('PUT', '/Patient/Z', z), 201, 'create Z');
  ok(await t.request('DELETE', '/Patient/Z'), 200, 'delete Z');
  ok(await t.request('PUT', '/Patient/Z', { ...z, name: [{ family: 'Zola', given: ['Émile'] }] }), 201, 're-create Z');
  const raw = await t.fetch(`${t.base}/Binary/raw-bytes`, { method: 'PUT', body: RAW, headers: { 'content-type': 'application/pdf' } });
  assert.equal(raw.status, 201);
  await t.server.engine.auditor.drain();
}

function readTree(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

function assertSameFiles(a: string, b: string): void {
  const x = readTree(a);
  const y = readTree(b);
  assert.deepEqual([...y.keys()], [...x.keys()]);
  for (const [f, bytes] of x) assert.ok(bytes.equals(y.get(f)!), `${f} differs`);
}

function assertSameRows(actual: StoreDump, expected: StoreDump): void {
  for (const table of Object.keys(expected)) assert.deepEqual(actual[table], expected[table], `${table} differs`);
}

async function exportTo(storage: Storage, prefix: string): Promise<string> {
  const dir = join(tempDir(prefix), 'export');
  await exportStore(storage, binaries, dir, { pageSize: 37 });
  return dir;
}

interface Opened {
  storage: Storage;
  dump(): Promise<StoreDump>;
  env: Record<string, string>;
  close(): Promise<void>;
}

function openSqlite(): Opened {
  const dir = tempDir('cdl-import-');
  const storage = SqliteStorage.open({ file: join(dir, 'cdl.sqlite') });
  return { storage, dump: async () => dumpSqlite(join(dir, 'cdl.sqlite')), env: { CDL_DATA_DIR: dir }, close: () => storage.close() };
}

async function openPostgres(): Promise<Opened> {
  const schema = freshSchemaName('cdl_import');
  const storage = await PostgresStorage.open({ connectionString: pgUrl!, schema, poolSize: 4 });
  return {
    storage,
    dump: () => dumpPostgres(pgUrl!, schema),
    env: { CDL_DATABASE_URL: pgUrl!, CDL_DATABASE_SCHEMA: schema },
    close: async () => {
      await storage.close();
      await dropSchema(pgUrl!, schema);
    },
  };
}

/** Serves an existing store over HTTP; tokens come from a fresh development issuer. */
async function serve(env: Record<string, string>) {
  const dataDir = env.CDL_DATA_DIR ?? tempDir('cdl-serve-');
  const config = loadConfig({ CDL_LOG_LEVEL: 'silent', CDL_RATE_LIMIT: '0', ...ENV, ...env, CDL_DATA_DIR: dataDir });
  const server = await createServer(config, { logger: pino({ level: 'silent' }) });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  const token = (fhirUser?: string) =>
    server.devIssuer!.mintToken(fhirUser ? { fhirUser, scope: 'user/*.cruds' } : { scope: 'system/*.cruds', clientId: 'platform' });
  const as = async (fhirUser?: string) => ({ authorization: `Bearer ${await token(fhirUser)}` });
  return { base, server, as, close: () => server.close() };
}

/** A server on the imported store answers as the original: history, deletions, labels, circle, Binaries, new writes, audit chain. */
async function checkServed(env: Record<string, string>): Promise<void> {
  const s = await serve(env);
  try {
    const nurse = await s.as(FHIR_USER.author);
    const gp = await s.as(FHIR_USER.gp);
    const outsider = await s.as(FHIR_USER.outsider);
    const system = await s.as();
    const hist = await request(s.base, 'GET', `/DocumentReference/${noteId('none')}/_history`, undefined, nurse);
    assert.deepEqual(hist.body.entry.map((e: any) => e.resource.meta.versionId), ['3', '2', '1']);
    assert.equal((await request(s.base, 'GET', `/DocumentReference/${replyId('MASQUE_PS')}`, undefined, nurse)).status, 410);
    assert.equal((await request(s.base, 'GET', '/Patient/Z', undefined, system)).body.meta.versionId, '3');
    // Audience labels and the circle of care were recomputed.
    assert.equal((await request(s.base, 'GET', `/DocumentReference/${noteId('MASQUE_PS')}`, undefined, gp)).status, 404);
    assert.equal((await request(s.base, 'GET', `/DocumentReference/${noteId('MASQUE_PSOCIAL')}`, undefined, gp)).status, 200);
    assert.equal((await request(s.base, 'GET', `/DocumentReference/${noteId('none')}`, undefined, outsider)).status, 404);
    const search = await request(s.base, 'GET', '/DocumentReference?subject=Patient/P&type=OBS&_count=50', undefined, gp);
    assert.equal(search.status, 200);
    assert.ok(search.body.entry.length >= 4, 'the index answers searches');
    // Binary bytes: an attachment moved out of a note (owner's access rules) and a raw Binary.
    const note = (await request(s.base, 'GET', `/DocumentReference/${noteId('none')}`, undefined, nurse)).body;
    const binaryUrl: string = note.content[0].attachment.url;
    const bin = await fetch(`${s.base}${binaryUrl.slice(binaryUrl.indexOf('/Binary/'))}`, { headers: nurse });
    assert.deepEqual(Buffer.from(await bin.arrayBuffer()), Buffer.alloc(2048, 1));
    assert.equal((await fetch(`${s.base}${binaryUrl.slice(binaryUrl.indexOf('/Binary/'))}`, { headers: outsider })).status, 404);
    const raw = await fetch(`${s.base}/Binary/raw-bytes`, { headers: system });
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), RAW);
    // Writing goes on: versions continue, the audit chain grows and still verifies.
    const upd = await request(s.base, 'PUT', `/DocumentReference/${noteId('none')}`, { ...note, meta: undefined, description: 'après import' }, { ...nurse, 'if-match': 'W/"3"' });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.meta.versionId, '4');
    await s.server.engine.auditor.drain();
    const chain = await verifyAuditChain(s.server.storage);
    assert.ok(chain.ok, JSON.stringify(chain.broken));
  } finally {
    await s.close();
  }
}

describe('export / import (NDJSON with history)', () => {
  let source: TestServer;
  let sourceDump: StoreDump;
  let exported: string;

  before(async () => {
    source = await startTestServer({ ...ENV, CDL_DATABASE_URL: '' }); // SQLite, whatever the pass
    await populate(source);
    exported = await exportTo(source.server.storage, 'cdl-export-');
    sourceDump = dumpSqlite(join(source.dataDir, 'cdl.sqlite'));
  });
  after(async () => {
    await source?.close();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  it('exports every version in order (deletions as DELETE entries), Binary bytes and the audit chain', async () => {
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'));
    const lines = (type: string) => readFileSync(join(exported, `${type}.ndjson`), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    const notes = lines('DocumentReference');
    const none = notes.filter((e) => e.resource?.id === noteId('none') || e.request.url === `DocumentReference/${noteId('none')}`);
    assert.deepEqual(none.map((e) => [e.request.method, e.response.etag]), [['PUT', 'W/"1"'], ['PUT', 'W/"2"'], ['PUT', 'W/"3"']]);
    const deletion = notes.find((e) => e.request.method === 'DELETE');
    assert.deepEqual([deletion.request.url, deletion.response.etag, deletion.resource], [`DocumentReference/${replyId('MASQUE_PS')}`, 'W/"2"', undefined]);
    assert.deepEqual(lines('Patient').filter((e) => /Z$/.test(e.request.url) || e.resource?.id === 'Z').map((e) => e.request.method), ['PUT', 'DELETE', 'PUT']);
    const raw = lines('Binary').find((e) => e.resource.id === 'raw-bytes');
    assert.deepEqual(Buffer.from(raw.resource.data, 'base64'), RAW);
    assert.ok(lines('Binary').filter((e) => e.resource.securityContext).every((e) => Buffer.from(e.resource.data, 'base64').equals(Buffer.alloc(2048, 1))));
    // One sequence over all files: 1..N, each file in order.
    const all = manifest.output.flatMap((o: { type: string }) => lines(o.type).map((e) => e.extension[0].valueDecimal));
    assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: manifest.versions }, (_, i) => i + 1));
    const chain = await source.server.storage.auditChain(0, 100_000);
    assert.ok(chain.length > 20);
    assert.deepEqual([manifest.auditChain.count, manifest.auditChain.head], [chain.length, chain[chain.length - 1]!.hash]);
    assert.equal(readFileSync(join(exported, 'audit-chain.ndjson'), 'utf8').trimEnd().split('\n').length, chain.length);
  });

  it('SQLite → SQLite: same rows, byte-identical re-export, a server on it answers as before', async () => {
    const target = openSqlite();
    try {
      const s = await importStore(target.storage, binaries, derive, exported, { batchVersions: 29 });
      assert.ok(s.versions > 50 && s.binaries >= 6, JSON.stringify(s));
      assert.ok((await verifyAuditChain(target.storage)).ok);
      assertSameRows(await target.dump(), sourceDump);
      assertSameFiles(exported, await exportTo(target.storage, 'cdl-reexport-'));
      await target.storage.close(); // the server opens the file itself
      await checkServed(target.env);
    } finally {
      await target.close();
    }
  });

  it('SQLite → PostgreSQL → same rows, byte-identical re-export, a server on it answers as before', { skip: pgUrl ? false : 'CDL_TEST_DATABASE_URL is not set' }, async () => {
    const target = await openPostgres();
    try {
      await importStore(target.storage, binaries, derive, exported);
      assertSameRows(await target.dump(), sourceDump);
      assertSameFiles(exported, await exportTo(target.storage, 'cdl-reexport-'));
      await checkServed(target.env);
    } finally {
      await target.close();
    }
  });

  it('PostgreSQL → SQLite → byte-identical re-export and same rows', { skip: pgUrl ? false : 'CDL_TEST_DATABASE_URL is not set' }, async () => {
    const pgSource = await startTestServer(ENV);
    const target = openSqlite();
    try {
      await populate(pgSource);
      const fromPg = await exportTo(pgSource.server.storage, 'cdl-pg-export-');
      await importStore(target.storage, binaries, derive, fromPg, { batchVersions: 50 });
      assertSameFiles(fromPg, await exportTo(target.storage, 'cdl-reexport-'));
      assertSameRows(await target.dump(), await dumpStore((sql) => pgSource.sql(sql)));
    } finally {
      await target.close();
      await pgSource.close();
    }
  });

  it('refuses a store that is not empty, and exports that are incomplete or altered', async () => {
    const target = openSqlite();
    try {
      await importStore(target.storage, binaries, derive, exported);
      await assert.rejects(importStore(target.storage, binaries, derive, exported), ImportRefusedError);
    } finally {
      await target.close();
    }
    const damaged = (name: string, change: (dir: string) => void) => {
      const dir = tempDir(`cdl-${name}-`);
      for (const [f, bytes] of readTree(exported)) writeFileSync(join(dir, f), bytes);
      change(dir);
      return dir;
    };
    const cases: Array<[string, string, RegExp]> = [
      ['no manifest', damaged('nomanifest', (d) => rmSync(join(d, 'manifest.json'))), /manifest\.json is missing/],
      [
        'a line removed',
        damaged('gap', (d) => {
          const f = join(d, 'Patient.ndjson');
          writeFileSync(f, readFileSync(f, 'utf8').split('\n').slice(1).join('\n'));
        }),
        /sequence|versions/,
      ],
      [
        'a version number changed',
        damaged('version', (d) => {
          const f = join(d, 'Patient.ndjson');
          writeFileSync(f, readFileSync(f, 'utf8').replace('"etag":"W/\\"1\\""', '"etag":"W/\\"2\\""'));
        }),
        /disagree|follows/,
      ],
    ];
    for (const [what, dir, message] of cases) {
      const t = openSqlite();
      try {
        await assert.rejects(importStore(t.storage, binaries, derive, dir), message, what);
      } finally {
        await t.close();
      }
    }
  });

  it('npm run export / import: the CLIs, configured from the environment', async () => {
    const run = promisify(execFile);
    const out = join(tempDir('cdl-cli-'), 'out');
    const env = { ...process.env, CDL_DATABASE_URL: '', CDL_LOG_LEVEL: 'silent' };
    const e = await run(process.execPath, [CLI('export'), '--out', out], { env: { ...env, CDL_DATA_DIR: source.dataDir } });
    assert.match(e.stdout, /Exported \d+ versions/);
    assertSameFiles(exported, out);
    await assert.rejects(run(process.execPath, [CLI('export'), '--out', out], { env: { ...env, CDL_DATA_DIR: source.dataDir } }), /not empty/);
    const into = tempDir('cdl-cli-import-');
    const i = await run(process.execPath, [CLI('import'), '--in', out], { env: { ...env, CDL_DATA_DIR: into } });
    assert.match(i.stdout, /audit chain OK/);
    assertSameRows(dumpSqlite(join(into, 'cdl.sqlite')), sourceDump);
    await assert.rejects(run(process.execPath, [CLI('import'), '--in', out], { env: { ...env, CDL_DATA_DIR: into } }), /not empty/);
  });
});
