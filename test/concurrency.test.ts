/** End-to-end: concurrent writers racing on the same version — exactly one wins. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('concurrency', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('If-Match races: exactly one 200 per version, the others 412, no version gap', async () => {
    const subject = (await t.request('POST', '/Patient', patient())).body.id;
    const author = `Practitioner/${(await t.request('POST', '/Practitioner', practitioner())).body.id}`;
    const n = (await t.request('POST', '/DocumentReference', note(subject, [author]))).body;
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          t.request('PUT', `/DocumentReference/${n.id}`, { ...n, description: `writer ${i}` }, { 'if-match': `W/"${round}"` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 412).length, 23);
    }
    const hist = await t.request('GET', `/DocumentReference/${n.id}/_history`);
    assert.deepEqual(hist.body.entry.map((e: any) => e.resource.meta.versionId), ['4', '3', '2', '1']);
  });

  it('concurrent unconditional updates get consecutive versions without duplicates', async () => {
    const p = (await t.request('POST', '/Patient', patient('199999999999999'))).body;
    const results = await Promise.all(Array.from({ length: 30 }, () => t.request('PUT', `/Patient/${p.id}`, p)));
    const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
    assert.deepEqual(versions, Array.from({ length: 30 }, (_, i) => i + 2));
  });
});
