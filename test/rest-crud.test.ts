/** End-to-end: create, read, vread, update, delete and history over HTTP (flows 1a, 1b, 2a, 2b, 3). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('REST interactions', () => {
  let t: TestServer;
  let patientId: string;
  let practitionerId: string;

  before(async () => {
    t = await startTestServer();
    patientId = (await t.request('POST', '/Patient', patient())).body.id;
    practitionerId = (await t.request('POST', '/Practitioner', practitioner())).body.id;
  });
  after(() => t.close());

  it('creates an actor with a server-assigned UUID, version 1, ETag, Location and Last-Modified', async () => {
    const r = await t.request('POST', '/Patient', { ...patient('223456789012345'), id: 'client-chosen' });
    assert.equal(r.status, 201);
    assert.match(r.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "a UUID version 7 (time-ordered)");
    assert.notEqual(r.body.id, 'client-chosen');
    assert.equal(r.body.meta.versionId, '1');
    assert.match(r.body.meta.lastUpdated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(r.headers.get('etag'), 'W/"1"');
    assert.equal(r.headers.get('location'), `${t.base}/Patient/${r.body.id}/_history/1`);
    assert.equal(r.headers.get('last-modified'), new Date(r.body.meta.lastUpdated).toUTCString());
    assert.equal(r.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
    const read = await t.request('GET', `/Patient/${r.body.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, r.body);
  });

  it('creates a note and reads it back byte for byte', async () => {
    const r = await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`]));
    assert.equal(r.status, 201);
    assert.equal(r.body.subject.reference, `Patient/${patientId}`);
    assert.equal(r.body.content[0].attachment.size, Buffer.from('Patiente fatiguée, ne souhaite pas sortir.').length);
    assert.equal(typeof r.body.content[0].attachment.hash, 'string');
    const read = await t.request('GET', `/DocumentReference/${r.body.id}`);
    assert.equal(read.text, r.text);
  });

  it('updates: versionId increments by one, lastUpdated moves, old versions stay readable', async () => {
    const created = await t.request('POST', '/Patient', patient('323456789012345'));
    const id = created.body.id;
    const v2 = await t.request('PUT', `/Patient/${id}`, { ...created.body, gender: 'other' });
    assert.equal(v2.status, 200);
    assert.equal(v2.body.meta.versionId, '2');
    assert.equal(v2.headers.get('etag'), 'W/"2"');
    assert.equal(v2.headers.get('location'), `${t.base}/Patient/${id}/_history/2`);
    assert.ok(v2.body.meta.lastUpdated > created.body.meta.lastUpdated);
    const v1 = await t.request('GET', `/Patient/${id}/_history/1`);
    assert.equal(v1.status, 200);
    assert.equal(v1.body.gender, 'female');
    assert.equal(v1.body.meta.versionId, '1');
    const current = await t.request('GET', `/Patient/${id}`);
    assert.equal(current.body.gender, 'other');
  });

  it('update-as-create with a client-chosen id answers 201', async () => {
    const r = await t.request('PUT', '/Patient/my-own-id-1', { ...patient('423456789012345'), id: 'my-own-id-1' });
    assert.equal(r.status, 201);
    assert.equal(r.body.id, 'my-own-id-1');
    assert.equal(r.body.meta.versionId, '1');
  });

  it('If-Match: matching version updates, stale version answers 412 and writes nothing', async () => {
    const created = await t.request('POST', '/Patient', patient('523456789012345'));
    const id = created.body.id;
    const ok = await t.request('PUT', `/Patient/${id}`, { ...created.body, gender: 'male' }, { 'if-match': 'W/"1"' });
    assert.equal(ok.status, 200);
    const stale = await t.request('PUT', `/Patient/${id}`, { ...created.body, gender: 'unknown' }, { 'if-match': 'W/"1"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.resourceType, 'OperationOutcome');
    assert.match(stale.body.issue[0].diagnostics, /W\/"1".*W\/"2"/);
    const current = await t.request('GET', `/Patient/${id}`);
    assert.equal(current.body.meta.versionId, '2');
    assert.equal(current.body.gender, 'male');
  });

  it('Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await t.request('POST', '/Patient', patient('623456789012345'), { prefer: 'return=minimal' });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.match(minimal.headers.get('location') ?? '', /\/Patient\/[0-9a-f-]+\/_history\/1$/);
    const oo = await t.request('POST', '/Patient', patient('723456789012345'), { prefer: 'return=OperationOutcome' });
    assert.equal(oo.status, 201);
    assert.equal(oo.body.resourceType, 'OperationOutcome');
    assert.equal(oo.body.issue[0].severity, 'information');
  });

  it('deletes: 200, then 410 on read, history keeps every version, vread of an old version works', async () => {
    const n = await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`]));
    const id = n.body.id;
    const del = await t.request('DELETE', `/DocumentReference/${id}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.resourceType, 'OperationOutcome');
    const gone = await t.request('GET', `/DocumentReference/${id}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.issue[0].code, 'deleted');
    const old = await t.request('GET', `/DocumentReference/${id}/_history/1`);
    assert.equal(old.status, 200);
    const deletedVersion = await t.request('GET', `/DocumentReference/${id}/_history/2`);
    assert.equal(deletedVersion.status, 410);
    const hist = await t.request('GET', `/DocumentReference/${id}/_history`);
    assert.equal(hist.status, 200);
    assert.equal(hist.body.type, 'history');
    assert.equal(hist.body.total, 2);
    assert.deepEqual(hist.body.entry.map((e: any) => e.request.method), ['DELETE', 'POST']);
    assert.equal(hist.body.entry[0].resource, undefined);
    assert.equal(hist.body.entry[1].resource.id, id);
    const again = await t.request('DELETE', `/DocumentReference/${id}`);
    assert.equal(again.status, 200);
  });

  it('refuses to delete an actor still referenced by a note (409) and keeps it', async () => {
    const p = await t.request('POST', '/Patient', patient('823456789012345'));
    await t.request('POST', '/DocumentReference', note(p.body.id, [`Practitioner/${practitionerId}`]));
    const del = await t.request('DELETE', `/Patient/${p.body.id}`);
    assert.equal(del.status, 409);
    assert.match(del.body.issue[0].diagnostics, /referenced by DocumentReference\//);
    assert.equal((await t.request('GET', `/Patient/${p.body.id}`)).status, 200);
  });

  it('conditional delete by identifier: single match deleted, several → 412, none → 404', async () => {
    const a = await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`], { identifier: 'note-A' }));
    const del = await t.request('DELETE', '/DocumentReference?identifier=urn:oid:1.2.3.4|note-A');
    assert.equal(del.status, 200);
    assert.equal((await t.request('GET', `/DocumentReference/${a.body.id}`)).status, 410);
    await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`], { identifier: 'note-B' }));
    const b2 = await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`], { identifier: 'note-B' }));
    const several = await t.request('DELETE', '/DocumentReference?identifier=urn:oid:1.2.3.4|note-B');
    assert.equal(several.status, 412);
    assert.equal((await t.request('GET', `/DocumentReference/${b2.body.id}`)).status, 200);
    const none = await t.request('DELETE', '/DocumentReference?identifier=urn:oid:1.2.3.4|nothing');
    assert.equal(none.status, 404);
  });

  it('conditional create (If-None-Exist): creates once, then answers 200 with the existing resource', async () => {
    const first = await t.request('POST', '/Patient', patient('923456789012345'), { 'if-none-exist': 'identifier=urn:oid:1.2.250.1.213.1.4.8|923456789012345' });
    assert.equal(first.status, 201);
    const second = await t.request('POST', '/Patient', patient('923456789012345'), { 'if-none-exist': 'identifier=urn:oid:1.2.250.1.213.1.4.8|923456789012345' });
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
  });

  it('conditional read: If-None-Match on the current version answers 304', async () => {
    const r = await t.request('GET', `/Patient/${patientId}`, undefined, { 'if-none-match': 'W/"1"' });
    assert.equal(r.status, 304);
  });

  it('type and system history page with next links', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/Device', { resourceType: 'Device', serialNumber: `SN-${i}` });
    const page1 = await t.request('GET', '/Device/_history?_count=2');
    assert.equal(page1.body.entry.length, 2);
    const next = page1.body.link.find((l: any) => l.relation === 'next').url as string;
    const page2 = await t.request('GET', next.slice(t.base.length));
    assert.equal(page2.body.entry.length, 1);
    const serials = [...page1.body.entry, ...page2.body.entry].map((e: any) => e.resource.serialNumber);
    assert.deepEqual(serials, ['SN-2', 'SN-1', 'SN-0']);
    const system = await t.request('GET', '/_history?_count=1');
    assert.equal(system.status, 200);
    assert.equal(system.body.entry.length, 1);
  });

  it('serves /metadata, /healthz and /readyz', async () => {
    const cs = await t.request('GET', '/metadata');
    assert.equal(cs.status, 200);
    assert.equal(cs.body.resourceType, 'CapabilityStatement');
    assert.deepEqual(cs.body.instantiates, ['https://interop.esante.gouv.fr/ig/fhir/cdl/CapabilityStatement/GestionnaireCdL']);
    assert.equal(cs.body.fhirVersion, '4.0.1');
    assert.equal(cs.body.kind, 'instance');
    assert.deepEqual(cs.body.format, ['application/fhir+json', 'json']);
    const rest = cs.body.rest[0];
    assert.deepEqual(rest.interaction.map((i: any) => i.code), ['transaction', 'batch', 'history-system']);
    assert.deepEqual(rest.security.service, [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }]);
    assert.equal(rest.security.extension, undefined, 'no OAuth endpoints configured, none advertised');
    const byType = Object.fromEntries(rest.resource.map((r: any) => [r.type, r]));
    assert.deepEqual(Object.keys(byType), ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Binary', 'CareTeam', 'Provenance', 'AuditEvent']);
    const codes = (r: any) => r.interaction.map((i: any) => i.code);
    const all = ['read', 'vread', 'history-instance', 'history-type', 'search-type', 'create', 'update', 'delete'];
    for (const type of ['DocumentReference', 'Patient', 'Practitioner', 'RelatedPerson', 'Organization', 'Device']) assert.deepEqual(codes(byType[type]), all, type);
    const note = byType.DocumentReference;
    assert.deepEqual(note.supportedProfile, ['https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference']);
    const params = note.searchParam.map((p: any) => p.name);
    for (const p of ['date', 'type', 'security-label', 'patient', 'subject', 'author', 'identifier', 'status', 'relatesto', '_id', '_lastUpdated']) assert.ok(params.includes(p), p);
    for (const i of ['*', 'DocumentReference:subject', 'DocumentReference:author']) assert.ok(note.searchInclude.includes(i), i);
    assert.equal(note.conditionalDelete, 'single');
    assert.equal(note.updateCreate, true);
    // Written by the server only: read interactions, nothing a client could write.
    for (const type of ['Provenance', 'AuditEvent']) {
      assert.deepEqual(codes(byType[type]), ['read', 'vread', 'history-instance', 'history-type', 'search-type'], type);
      assert.equal(byType[type].updateCreate, false);
      assert.equal(byType[type].conditionalCreate, false);
      assert.equal(byType[type].conditionalDelete, 'not-supported');
    }
    // What it declares is what it does: a declared include works.
    assert.equal((await t.request('GET', '/DocumentReference?_include=DocumentReference:author&_include=*')).status, 200);
    const root = t.base.replace(/\/fhir$/, '');
    assert.equal((await fetch(`${root}/healthz`)).status, 200);
    assert.equal((await fetch(`${root}/readyz`)).status, 200);
  });
});
