/** End-to-end: every kind of bad input gets a precise 4xx OperationOutcome and changes nothing. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer, type FhirResult } from './support/test-server.js';

function assertOutcome(r: FhirResult, status: number, pattern?: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue[0].severity, 'error');
  if (pattern) assert.match(r.body.issue[0].diagnostics, pattern);
  assert.doesNotMatch(r.text, /SQLITE|SELECT |INSERT |\bat [\w.]+ \(/);
}

describe('bad input', () => {
  let t: TestServer;
  let patientId: string;
  let practitionerId: string;
  before(async () => {
    t = await startTestServer({ CDL_BODY_LIMIT: '4096' });
    patientId = (await t.request('POST', '/Patient', patient())).body.id;
    practitionerId = (await t.request('POST', '/Practitioner', practitioner())).body.id;
  });
  after(() => t.close());

  const total = async () => (await t.request('GET', '/_history?_count=1000')).body.entry.length as number;

  it('malformed JSON → 400 with the position', async () => {
    const r = await t.request('POST', '/Patient', '{"resourceType": "Patient",', { 'content-type': 'application/fhir+json' });
    assertOutcome(r, 400, /not valid JSON/);
    assert.equal(r.body.issue[0].code, 'structure');
  });

  it('empty body → 400', async () => {
    assertOutcome(await t.request('POST', '/Patient', '', { 'content-type': 'application/fhir+json' }), 400);
  });

  it('wrong Content-Type → 415 (text/plain, XML)', async () => {
    assertOutcome(await t.request('POST', '/Patient', JSON.stringify(patient()), { 'content-type': 'text/plain' }), 415);
    assertOutcome(await t.request('POST', '/Patient', '<Patient xmlns="http://hl7.org/fhir"/>', { 'content-type': 'application/fhir+xml' }), 415, /XML/);
  });

  it('body over the configured limit → 413', async () => {
    const big = { ...patient(), name: [{ family: 'x'.repeat(5000) }] };
    assertOutcome(await t.request('POST', '/Patient', big), 413);
  });

  it('JSON nested deeper than the limit → 400', async () => {
    let deep: any = { url: 'http://x', valueString: 'y' };
    for (let i = 0; i < 80; i++) deep = { url: 'http://x', extension: [deep] };
    assertOutcome(await t.request('POST', '/Patient', { resourceType: 'Patient', extension: [deep] }), 400, /nested deeper/);
  });

  it('unknown resource type → 404, unknown id → 404', async () => {
    assertOutcome(await t.request('GET', '/Foo/1'), 404, /Foo/);
    assertOutcome(await t.request('POST', '/Observation', { resourceType: 'Observation' }), 404, /not supported/);
    assertOutcome(await t.request('GET', '/Patient/does-not-exist'), 404, /Patient\/does-not-exist/);
    assertOutcome(await t.request('GET', '/Patient/does-not-exist/_history/1'), 404);
  });

  it('body resourceType or id not matching the URL → 400 with the element path', async () => {
    const r1 = await t.request('POST', '/Patient', practitioner());
    assertOutcome(r1, 400, /does not match/);
    assert.deepEqual(r1.body.issue[0].expression, ['Patient.resourceType']);
    const r2 = await t.request('PUT', `/Patient/${patientId}`, { ...patient(), id: 'other' });
    assertOutcome(r2, 400, /does not match the URL's id/);
    assert.deepEqual(r2.body.issue[0].expression, ['Patient.id']);
    assertOutcome(await t.request('PUT', `/Patient/${patientId}`, patient()), 400, /must carry its id/);
  });

  it('invalid ids → 400', async () => {
    assertOutcome(await t.request('PUT', '/Patient/bad_id!', { ...patient(), id: 'bad_id!' }), 400, /not a valid resource id/);
    assertOutcome(await t.request('GET', `/Patient/${'a'.repeat(65)}`), 400);
  });

  it('reference to a resource that does not exist → 422 naming the element', async () => {
    const r = await t.request('POST', '/DocumentReference', note('no-such-patient', [`Practitioner/${practitionerId}`]));
    assertOutcome(r, 422, /Patient\/no-such-patient does not exist/);
    assert.deepEqual(r.body.issue[0].expression, ['DocumentReference.subject.reference']);
  });

  it('an update may not change a note’s subject or authors → 422', async () => {
    const other = (await t.request('POST', '/Patient', patient('999999999999999'))).body.id;
    const n = (await t.request('POST', '/DocumentReference', note(patientId, [`Practitioner/${practitionerId}`]))).body;
    const r1 = await t.request('PUT', `/DocumentReference/${n.id}`, { ...n, subject: { reference: `Patient/${other}` } });
    assertOutcome(r1, 422, /may not change the note's subject/);
    assert.deepEqual(r1.body.issue[0].expression, ['DocumentReference.subject']);
    const r2 = await t.request('PUT', `/DocumentReference/${n.id}`, { ...n, author: [{ reference: `Patient/${patientId}` }] });
    assertOutcome(r2, 422, /may not change the note's authors/);
    assert.equal((await t.request('GET', `/DocumentReference/${n.id}`)).body.meta.versionId, '1');
  });

  it('methods not allowed and unsupported interactions answer 405/400 OperationOutcomes', async () => {
    assertOutcome(await t.request('PATCH', `/Patient/${patientId}`, '[]', { 'content-type': 'application/json-patch+json' }), 415);
    assertOutcome(await t.request('DELETE', '/Patient'), 400, /needs search criteria/);
    assertOutcome(await t.request('POST', '/metadata', {}), 405);
  });

  it('bad If-Match and history parameters → 400', async () => {
    assertOutcome(await t.request('PUT', `/Patient/${patientId}`, { ...patient(), id: patientId }, { 'if-match': 'nonsense' }), 400, /If-Match/);
    assertOutcome(await t.request('GET', '/Patient/_history?_count=abc'), 400, /_count/);
    assertOutcome(await t.request('GET', '/Patient/_history?_since=yesterday'), 400, /_since/);
    assertOutcome(await t.request('GET', '/Patient/_history?foo=bar'), 400, /foo/);
  });

  it('base R4 violations → 400 with the element path', async () => {
    const unknown = await t.request('POST', '/Patient', { ...patient(), nickname: 'Jeannot' });
    assertOutcome(unknown, 400);
    assert.deepEqual(unknown.body.issue[0].expression, ['Patient.nickname']);
    const badDate = await t.request('POST', '/Patient', { ...patient(), birthDate: '12/05/1941' });
    assertOutcome(badDate, 400);
    assert.deepEqual(badDate.body.issue[0].expression, ['Patient.birthDate']);
    const badCode = await t.request('POST', '/Patient', { ...patient(), gender: 'féminin' });
    assertOutcome(badCode, 400);
    assert.deepEqual(badCode.body.issue[0].expression, ['Patient.gender']);
    const n = note(patientId, [`Practitioner/${practitionerId}`]) as any;
    n.content[0].attachment.data = 'not base64!';
    const badData = await t.request('POST', '/DocumentReference', n);
    assertOutcome(badData, 400);
    assert.deepEqual(badData.body.issue[0].expression, ['DocumentReference.content[0].attachment.data']);
  });

  it('CdL note profile violations → 422 with the element path', async () => {
    const base = () => note(patientId, [`Practitioner/${practitionerId}`]) as any;
    const cases: Array<[string, (n: any) => void, string]> = [
      ['no type', (n) => delete n.type, 'DocumentReference.type'],
      ['type outside JDV_J23', (n) => (n.type.coding[0].code = 'XYZ'), 'DocumentReference.type'],
      ['docStatus present', (n) => (n.docStatus = 'final'), 'DocumentReference.docStatus'],
      ['custodian present', (n) => (n.custodian = { reference: `Practitioner/${practitionerId}` }), 'DocumentReference.custodian'],
      ['no author', (n) => delete n.author, 'DocumentReference.author'],
      ['subject not a Patient', (n) => (n.subject = { reference: `Practitioner/${practitionerId}` }), 'DocumentReference.subject'],
      ['label outside JDV_J110', (n) => (n.securityLabel = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] }]), 'DocumentReference.securityLabel'],
    ];
    for (const [label, mutate, path] of cases) {
      const n = base();
      mutate(n);
      const r = await t.request('POST', '/DocumentReference', n);
      assert.ok(r.status === 422 || r.status === 400, `${label}: ${r.status}`);
      assert.equal(r.body.resourceType, 'OperationOutcome', label);
      assert.ok(
        r.body.issue.some((i: any) => (i.expression ?? []).some((e: string) => e.startsWith(path))),
        `${label}: ${JSON.stringify(r.body.issue)}`,
      );
    }
  });

  it('a request line Node cannot parse (raw non-ASCII URL) → 400 OperationOutcome, not the framework\'s error shape', async () => {
    const { port } = new URL(t.base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from('GET /fhir/Practitioner?family='), Buffer.from('Jo\u00ebl', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 400 /);
    assert.match(head!, /content-type: application\/fhir\+json/i);
    const outcome = JSON.parse(body!);
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0].code, 'structure');
    assert.match(outcome.issue[0].diagnostics, /percent-encoded/);
  });

  it('none of the bad requests above changed anything', async () => {
    const before = await total();
    await t.request('POST', '/Patient', '{oops', { 'content-type': 'application/fhir+json' });
    await t.request('POST', '/DocumentReference', note('missing', [`Practitioner/${practitionerId}`]));
    assert.equal(await total(), before);
  });
});
