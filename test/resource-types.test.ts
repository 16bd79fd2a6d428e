/**
 * End-to-end: the engine works from the R4 definitions, not per-type code. Any R4 type named in
 * CDL_RESOURCE_TYPES is stored, validated and indexed like the notebook's own types; types left
 * out are not served.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { patient } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('exposed resource types (CDL_RESOURCE_TYPES)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CDL_RESOURCE_TYPES: 'Patient,Observation,Provenance,AuditEvent' });
  });
  after(() => t.close());

  const weight = (patientId: string, kg: unknown) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: '2026-12-03T08:00:00+01:00',
    valueQuantity: { value: kg, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  });

  it('a type with no code of its own (Observation) is created, read, validated and searched', async () => {
    const p = (await t.request('POST', '/Patient', patient())).body.id;
    const created = await t.request('POST', '/Observation', weight(p, 61.5));
    assert.equal(created.status, 201, created.text);
    assert.equal((await t.request('GET', `/Observation/${created.body.id}`)).body.valueQuantity.value, 61.5);
    const bad = await t.request('POST', '/Observation', weight(p, 'lourd'));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issue[0].expression, ['Observation.valueQuantity.value']);
    const dangling = await t.request('POST', '/Observation', weight('nobody', 60));
    assert.equal(dangling.status, 422);
    const found = await t.request('GET', `/Observation?code=http://loinc.org|29463-7&subject=Patient/${p}&value-quantity=gt60&date=ge2026-12-01`);
    assert.deepEqual(found.body.entry.map((e: any) => e.resource.id), [created.body.id]);
    assert.equal((await t.request('GET', '/Observation?value-quantity=lt60&_summary=count')).body.total, 0);
    const cs = (await t.request('GET', '/metadata')).body;
    assert.deepEqual(cs.rest[0].resource.map((r: any) => r.type), ['Patient', 'Observation', 'Provenance', 'AuditEvent']);
  });

  it('a type left out is not served, nor can it be referenced', async () => {
    const r = await t.request('POST', '/DocumentReference', { resourceType: 'DocumentReference' });
    assert.equal(r.status, 404);
    assert.match(r.body.issue[0].diagnostics, /not supported/);
    assert.equal((await t.request('GET', '/Device/x')).status, 404);
    const p = (await t.request('POST', '/Patient', patient('111222333444555'))).body.id;
    const ref = await t.request('POST', '/Observation', { ...weight(p, 60), device: { reference: 'Device/x' } });
    assert.equal(ref.status, 422, ref.text);
    assert.deepEqual(ref.body.issue[0].expression, ['Observation.device.reference']);
  });
});
