/**
 * Several server nodes on one PostgreSQL database: each node is its own `PostgresStorage` (own
 * pool, own caches) on the same schema. Runs when CDL_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { versionWrite } from '../../engine/storage-contract.js';
import type { Storage } from '../../engine/storage-port.js';
import { identifierSystems } from '../../fhir/terminology.js';
import { parseSearch } from '../../fhir/search/parse-search.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../../fhir/definitions/load.js';
import { isUnavailableError } from './errors.js';
import { migrations } from './migrations.js';
import { PostgresStorage } from './postgres-storage.js';
import { dropSchema, freshSchemaName } from './test-schema.js';

const url = process.env.CDL_TEST_DATABASE_URL;
const defs = loadDefinitions(defaultDefinitionsCacheDir());
const TYPES = ['Patient', 'DocumentReference', 'Practitioner'];
const T0 = Date.parse('2026-06-01T00:00:00Z');

const patient = (id: string, nir: string) => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: identifierSystems.insNir, value: nir }],
  name: [{ family: 'Nodes' }],
});
const note = (id: string, subject: string) => ({
  resourceType: 'DocumentReference',
  id,
  status: 'current',
  subject: { reference: subject },
  content: [{ attachment: { contentType: 'text/plain', data: 'eA==' } }],
});
const byIdentifier = (nir: string) =>
  parseSearch(defs, 'Patient', [['identifier', `${identifierSystems.insNir}|${nir}`]], { lenient: false, maxCount: 10, defaultCount: 10, exposedTypes: TYPES });

describe('postgres: several nodes on one database', { skip: url ? false : 'CDL_TEST_DATABASE_URL is not set' }, () => {
  const schema = freshSchemaName('cdl_nodes');
  let nodes: Storage[] = [];

  before(async () => {
    // Three nodes starting at once on an empty schema: migrations are applied exactly once.
    nodes = await Promise.all([1, 2, 3].map(() => PostgresStorage.open({ connectionString: url!, schema, poolSize: 6 })));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await dropSchema(url!, schema);
  });

  it('concurrent starts applied every migration exactly once', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
    } finally {
      await client.end();
    }
  });

  it('a write acknowledged by one node is read and found by search on the others', async () => {
    const [a, b, c] = nodes as [Storage, Storage, Storage];
    await a.transaction((tx) => tx.writeVersion(versionWrite(patient('seen', '700000000000001'), 1, T0)));
    assert.equal((await b.readCurrent('Patient', 'seen'))?.version, 1);
    const r = await c.search({ request: byIdentifier('700000000000001'), countTotal: true, access: {} });
    assert.deepEqual([r.matches.map((m) => m.id), r.total], [['seen'], 1]);
  });

  it('If-Match races across nodes: exactly one winner per version, no gap', async () => {
    await nodes[0]!.transaction((tx) => tx.writeVersion(versionWrite(patient('xm', '700000000000002'), 1, T0)));
    for (let round = 1; round <= 3; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 18 }, (_, i) =>
          nodes[i % 3]!.transaction(async (tx) => {
            const cur = await tx.readForUpdate('Patient', 'xm');
            if (cur?.version !== round) throw new Error('412');
            await tx.writeVersion(versionWrite(patient('xm', '700000000000002'), round + 1, T0 + round));
          }),
        ),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `round ${round}`);
    }
    const versions = (await nodes[1]!.history({ type: 'Patient', id: 'xm', count: 10 })).map((e) => e.version);
    assert.deepEqual(versions, [4, 3, 2, 1]);
  });

  it('conditional create races across nodes: exactly one resource', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        nodes[i % 3]!.transaction(async (tx) => {
          const found = await tx.search({ request: byIdentifier('700000000000003'), countTotal: false, access: {} });
          if (found.matches.length > 0) return false;
          await tx.writeVersion(versionWrite(patient(`cc${i}`, '700000000000003'), 1, T0 + i));
          return true;
        }),
      ),
    );
    assert.deepEqual(outcomes.map((o) => o.status), Array(12).fill('fulfilled'));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value).length, 1);
    const r = await nodes[2]!.search({ request: byIdentifier('700000000000003'), countTotal: true, access: {} });
    assert.equal(r.total, 1);
  });

  it('a reference and the deletion of its target never both commit', async () => {
    const [a, b] = nodes as [Storage, Storage];
    for (let i = 0; i < 15; i++) {
      const pid = `rt${i}`;
      await a.transaction((tx) => tx.writeVersion(versionWrite(patient(pid, `71000000000${String(i).padStart(4, '0')}`), 1, T0)));
      const link = [{ targetType: 'Patient', targetId: pid }];
      await Promise.allSettled([
        a.transaction(async (tx) => {
          if ((await tx.existing(link)).size === 0) throw new Error('422');
          await tx.readCurrent('Patient', pid);
          await tx.writeVersion({ ...versionWrite(note(`rn${i}`, `Patient/${pid}`), 1, T0), links: link });
        }),
        b.transaction(async (tx) => {
          const cur = await tx.readForUpdate('Patient', pid);
          if ((await tx.referencedBy('Patient', pid, 1)).length > 0) throw new Error('409');
          await tx.deleteVersion({ type: 'Patient', id: pid, version: cur!.version + 1, lastUpdated: T0 + 1 });
        }),
      ]);
      const deleted = (await a.readCurrent('Patient', pid))?.deleted;
      const noted = (await a.readCurrent('DocumentReference', `rn${i}`)) !== undefined;
      assert.ok(!(deleted && noted), `iteration ${i}: the note and the deletion both committed`);
      assert.ok(deleted || noted, `iteration ${i}: neither committed`);
    }
  });

  it('an unreachable database fails fast with an "unavailable" error', async () => {
    const down = PostgresStorage.open({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema, connectTimeoutMs: 1000 });
    await assert.rejects(down, (e: unknown) => isUnavailableError(e));
  });
});
