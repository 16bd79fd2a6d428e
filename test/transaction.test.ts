/** End-to-end: transaction and batch Bundles (flows 1c and 2c), atomicity and the IG example as published. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { cdlPackageFile, note, patient, practitioner, practitionerRole } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const uuid = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function historyCount(t: TestServer, type: string): Promise<number> {
  const r = await t.request('GET', `/${type}/_history?_count=1000`);
  return r.body.entry?.length ?? 0;
}

describe('transactions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('accepts the IG example Bundle as published and resolves its Type/id references', async () => {
    // The repository's copy (docs/examples, used by the README) is the published file, unchanged.
    const copy = readFileSync(new URL('../../docs/examples/Bundle-cdl-bundle-creation-note.json', import.meta.url), 'utf8');
    const published = cdlPackageFile('example/Bundle-cdl-bundle-creation-note.json');
    if (published !== undefined) assert.deepEqual(JSON.parse(copy), published);
    const r = await t.request('POST', '/', copy, { 'content-type': 'application/fhir+json' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.type, 'transaction-response');
    assert.equal(r.body.entry.length, 4);
    for (const e of r.body.entry) assert.equal(e.response.status, '201 Created');
    const [noteEntry, roleEntry, practEntry, patientEntry] = r.body.entry;
    const noteId = noteEntry.resource.id;
    assert.notEqual(noteId, '04886b69-ef36-4584-819e-4590cd3888a4');
    assert.equal(noteEntry.fullUrl, `${t.base}/DocumentReference/${noteId}`);
    assert.equal(noteEntry.response.location, `${t.base}/DocumentReference/${noteId}/_history/1`);
    const stored = (await t.request('GET', `/DocumentReference/${noteId}`)).body;
    assert.equal(stored.subject.reference, `Patient/${patientEntry.resource.id}`);
    assert.deepEqual(stored.author.map((a: any) => a.reference), [`Practitioner/${practEntry.resource.id}`, `PractitionerRole/${roleEntry.resource.id}`]);
    const role = (await t.request('GET', `/PractitionerRole/${roleEntry.resource.id}`)).body;
    assert.equal(role.practitioner.reference, `Practitioner/${practEntry.resource.id}`);
    assert.equal((await t.request('GET', `/Patient/${patientEntry.resource.id}`)).body.name[0].family, 'ROUBINOWITZ');
  });

  it('resolves urn:uuid fullUrls and answers entries in request order', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: uuid(1), resource: note(uuid(2).replace('urn:uuid:', 'X'), []), request: { method: 'POST', url: 'DocumentReference' } },
        { fullUrl: uuid(2), resource: patient('111111111111111'), request: { method: 'POST', url: 'Patient' } },
        { fullUrl: uuid(3), resource: practitioner('810000000111'), request: { method: 'POST', url: 'Practitioner' } },
      ],
    } as any;
    bundle.entry[0].resource.subject = { reference: uuid(2) };
    bundle.entry[0].resource.author = [{ reference: uuid(3) }];
    const r = await t.request('POST', '/', bundle);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.entry.map((e: any) => e.resource.resourceType), ['DocumentReference', 'Patient', 'Practitioner']);
    assert.equal(r.body.entry[0].resource.subject.reference, `Patient/${r.body.entry[1].resource.id}`);
    assert.equal(r.body.entry[0].resource.author[0].reference, `Practitioner/${r.body.entry[2].resource.id}`);
  });

  it('is atomic: a failing last entry leaves no trace of the earlier ones', async () => {
    const pr = (await t.request('POST', '/Practitioner', practitioner('810000000220'))).body;
    const existing = (await t.request('POST', '/PractitionerRole', practitionerRole(pr.id))).body;
    const patientsBefore = await historyCount(t, 'Patient');
    const notesBefore = await historyCount(t, 'DocumentReference');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: uuid(10), resource: patient('222222222222222'), request: { method: 'POST', url: 'Patient' } },
        { fullUrl: uuid(11), resource: practitioner('810000000222'), request: { method: 'POST', url: 'Practitioner' } },
        { fullUrl: uuid(12), resource: { ...note('x', []), subject: { reference: uuid(10) }, author: [{ reference: uuid(11) }] }, request: { method: 'POST', url: 'DocumentReference' } },
        { resource: { ...existing, active: false }, request: { method: 'PUT', url: `PractitionerRole/${existing.id}`, ifMatch: 'W/"9"' } },
      ],
    };
    const r = await t.request('POST', '/', bundle);
    assert.equal(r.status, 412, r.text);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    assert.match(r.body.issue[0].diagnostics, /Bundle\.entry\[3\]/);
    assert.equal(await historyCount(t, 'Patient'), patientsBefore);
    assert.equal(await historyCount(t, 'DocumentReference'), notesBefore);
    assert.equal((await t.request('GET', `/PractitionerRole/${existing.id}`)).body.meta.versionId, '1');
  });

  it('is atomic whatever makes the last entry fail (version, conditional, reference, validation): no version, blob or Provenance left', async () => {
    const stored = async () => {
      const rows = await t.sql<{ type: string; n: number | string }>('SELECT type, count(*) AS n FROM history GROUP BY type ORDER BY type');
      const [b] = await t.sql<{ n: number | string }>('SELECT count(*) AS n FROM blobs');
      return JSON.stringify([rows.filter((r) => r.type !== 'AuditEvent').map((r) => `${r.type}:${r.n}`), Number(b!.n)]);
    };
    const pr = (await t.request('POST', '/Practitioner', practitioner('810000000230'))).body;
    const big = Buffer.alloc(100 * 1024, 3).toString('base64');
    const head = (n: number) => [
      { fullUrl: uuid(n), resource: patient('232323232323232'), request: { method: 'POST', url: 'Patient' } },
      {
        fullUrl: uuid(n + 1),
        resource: { ...note('x', []), subject: { reference: uuid(n) }, author: [{ reference: `Practitioner/${pr.id}` }], content: [{ attachment: { contentType: 'image/png', data: big } }] },
        request: { method: 'POST', url: 'DocumentReference' },
      },
      { resource: { ...pr, name: [{ family: 'Changé' }] }, request: { method: 'PUT', url: `Practitioner/${pr.id}` } },
    ];
    const device = (await t.request('POST', '/Device', { resourceType: 'Device', serialNumber: 'TX-1' })).body;
    for (let i = 0; i < 2; i++) await t.request('POST', '/Organization', { resourceType: 'Organization', name: 'SSIAD Atomique' });
    const lasts: Array<[string, unknown, number, RegExp]> = [
      ['stale If-Match', { resource: { ...device, serialNumber: 'TX-2' }, request: { method: 'PUT', url: `Device/${device.id}`, ifMatch: 'W/"7"' } }, 412, /If-Match/],
      ['conditional create matching several', { resource: { resourceType: 'Organization', name: 'SSIAD Atomique' }, request: { method: 'POST', url: 'Organization', ifNoneExist: 'name:exact=SSIAD Atomique' } }, 412, /several/],
      ['dangling reference', { resource: { resourceType: 'RelatedPerson', patient: { reference: 'Patient/nobody' } }, request: { method: 'POST', url: 'RelatedPerson' } }, 422, /Patient\/nobody does not exist/],
      ['base R4 violation', { resource: { resourceType: 'RelatedPerson', patient: { reference: uuid(40) }, gender: 'féminin' }, request: { method: 'POST', url: 'RelatedPerson' } }, 400, /gender/],
    ];
    const before = await stored();
    for (const [what, last, status, pattern] of lasts) {
      const entries = [...head(40), last];
      const r = await t.request('POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: entries });
      assert.equal(r.status, status, `${what}: ${r.text}`);
      assert.equal(r.body.resourceType, 'OperationOutcome', what);
      assert.match(r.body.issue[0].diagnostics, pattern, what);
      assert.equal(await stored(), before, `${what}: nothing persisted`);
    }
    assert.equal((await t.request('GET', `/Practitioner/${pr.id}`)).body.meta.versionId, '1');
    const ok = await t.request('POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: head(50) });
    assert.equal(ok.status, 200, `control: the same entries without the failing one commit: ${ok.text}`);
    assert.notEqual(await stored(), before, 'control: the head entries do write versions, a blob and Provenances');
  });

  it('scopes are checked per entry: one entry the token does not allow refuses the whole Bundle', async () => {
    const token = await t.token({ scope: 'system/DocumentReference.cruds system/Patient.r', clientId: 'notes-only' });
    const p = (await t.request('POST', '/Patient', patient('242424242424242'))).body;
    const pr = (await t.request('POST', '/Practitioner', practitioner('810000000240'))).body;
    const before = await historyCount(t, 'DocumentReference');
    const r = await t.request(
      'POST',
      '/',
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: note(p.id, [`Practitioner/${pr.id}`]), request: { method: 'POST', url: 'DocumentReference' } },
          { resource: { ...pr, name: [{ family: 'Autre' }] }, request: { method: 'PUT', url: `Practitioner/${pr.id}` } },
        ],
      },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(r.status, 403, r.text);
    assert.match(r.body.issue[0].diagnostics, /Bundle\.entry\[1\].*update on Practitioner/);
    assert.equal(await historyCount(t, 'DocumentReference'), before);
    assert.equal((await t.request('GET', `/Practitioner/${pr.id}`)).body.meta.versionId, '1');
  });

  it('a transaction without a note may delete; a missing target fails it whole', async () => {
    const before = await historyCount(t, 'Patient');
    const r = await t.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...patient('333333333333333'), id: 'atomic-x' }, request: { method: 'PUT', url: 'Patient/atomic-x' } },
        { request: { method: 'DELETE', url: 'Patient/does-not-exist' } },
      ],
    });
    assert.equal(r.status, 404);
    assert.match(r.body.issue[0].diagnostics, /Bundle\.entry\[1\]/);
    assert.equal(await historyCount(t, 'Patient'), before);
    assert.equal((await t.request('GET', '/Patient/atomic-x')).status, 404);
  });

  it('rejects an unresolved urn:uuid reference and persists nothing', async () => {
    const before = await historyCount(t, 'Practitioner');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: uuid(20), resource: practitioner('810000000333'), request: { method: 'POST', url: 'Practitioner' } },
        { fullUrl: uuid(21), resource: { ...note('x', []), subject: { reference: uuid(99) }, author: [{ reference: uuid(20) }] }, request: { method: 'POST', url: 'DocumentReference' } },
      ],
    };
    const r = await t.request('POST', '/', bundle);
    assert.equal(r.status, 400);
    assert.match(r.body.issue[0].diagnostics, /urn:uuid:00000000-0000-4000-8000-000000000099/);
    assert.equal(await historyCount(t, 'Practitioner'), before);
  });

  it('update transaction (cdl-bundle-maj-note): PUT note with If-Match, stale version → 412, nothing written', async () => {
    const p = (await t.request('POST', '/Patient', patient('444444444444444'))).body;
    const pr = (await t.request('POST', '/Practitioner', practitioner('810000000444'))).body;
    const n = (await t.request('POST', '/DocumentReference', note(p.id, [`Practitioner/${pr.id}`]))).body;
    const updated = { ...n, description: 'Chute dans la salle de bain' };
    const bundle = (ifMatch: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: updated, request: { method: 'PUT', url: `DocumentReference/${n.id}`, ifMatch } },
        { resource: { ...pr, name: [{ family: 'Dupont', given: ['Marie', 'Anne'] }] }, request: { method: 'PUT', url: `Practitioner/${pr.id}` } },
      ],
    });
    const ok = await t.request('POST', '/', bundle('W/"1"'));
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.entry.map((e: any) => e.response.status), ['200 OK', '200 OK']);
    assert.equal(ok.body.entry[0].response.etag, 'W/"2"');
    const stale = await t.request('POST', '/', bundle('W/"1"'));
    assert.equal(stale.status, 412);
    assert.equal((await t.request('GET', `/DocumentReference/${n.id}`)).body.meta.versionId, '2');
    assert.equal((await t.request('GET', `/Practitioner/${pr.id}`)).body.meta.versionId, '2');
  });

  it('processes entries in FHIR order (DELETE, POST, PUT, GET) and answers them in request order', async () => {
    const sn = (v: string) => [{ system: 'urn:oid:1.2.250.1.999', value: v }];
    await t.request('PUT', '/Device/order-old', { resourceType: 'Device', id: 'order-old', identifier: sn('ORDER-1') });
    const r = await t.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: 'Patient/order-1' } },
        { resource: { ...patient('262626262626262'), id: 'order-1' }, request: { method: 'PUT', url: 'Patient/order-1' } },
        // Runs after the DELETE below: the device it would have matched is gone, so it creates one.
        { resource: { resourceType: 'Device', identifier: sn('ORDER-1') }, request: { method: 'POST', url: 'Device', ifNoneExist: 'identifier=urn:oid:1.2.250.1.999|ORDER-1' } },
        { request: { method: 'DELETE', url: 'Device/order-old' } },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.entry.map((e: any) => e.response.status), ['200 OK', '201 Created', '201 Created', '200 OK']);
    assert.equal(r.body.entry[0].resource.id, 'order-1', 'the GET ran after the PUT');
    const created = r.body.entry[2].resource.id;
    assert.notEqual(created, 'order-old');
    assert.equal((await t.request('GET', '/Device/order-old')).status, 410);
    const found = await t.request('GET', '/Device?identifier=urn:oid:1.2.250.1.999|ORDER-1');
    assert.deepEqual(found.body.entry.map((e: any) => e.resource.id), [created]);
  });

  it('GET entries see the transaction’s own writes', async () => {
    const r = await t.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...patient('555555555555555'), id: 'tx-read-1' }, request: { method: 'PUT', url: 'Patient/tx-read-1' } },
        { request: { method: 'GET', url: 'Patient/tx-read-1' } },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.entry[1].response.status, '200 OK');
    assert.equal(r.body.entry[1].resource.id, 'tx-read-1');
  });

  it('batch: entries are independent, each failure reported in its own entry', async () => {
    const r = await t.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: patient('666666666666666'), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/unknown-id' } },
        { resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Practitioner/x' } },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.type, 'batch-response');
    assert.equal(r.body.entry[0].response.status, '201 Created');
    assert.equal(r.body.entry[1].response.status, '404');
    assert.equal(r.body.entry[1].response.outcome.resourceType, 'OperationOutcome');
    assert.equal(r.body.entry[2].response.status, '400');
  });

  it('rejects Bundles that are not transaction/batch, and entries without request', async () => {
    const wrongType = await t.request('POST', '/', { resourceType: 'Bundle', type: 'collection' });
    assert.equal(wrongType.status, 400);
    assert.deepEqual(wrongType.body.issue[0].expression, ['Bundle.type']);
    const noRequest = await t.request('POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient() }] });
    assert.equal(noRequest.status, 400);
    assert.deepEqual(noRequest.body.issue[0].expression, ['Bundle.entry[0].request']);
    const notBundle = await t.request('POST', '/', patient());
    assert.equal(notBundle.status, 400);
  });
});
