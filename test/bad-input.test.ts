/**
 * End-to-end: every kind of bad input gets a precise 4xx OperationOutcome (exact status, issue
 * code, element path where it applies) and changes nothing in the store (no version, no blob).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer, type FhirResult } from './support/test-server.js';

function assertOutcome(r: FhirResult, status: number, pattern?: RegExp, expression?: string): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  assert.equal(r.body.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue[0].severity, 'error');
  if (pattern) assert.match(r.body.issue[0].diagnostics, pattern);
  if (expression) assert.ok(r.body.issue.some((i: any) => (i.expression ?? []).includes(expression)), `${expression} in ${JSON.stringify(r.body.issue)}`);
  assert.doesNotMatch(r.text, /SQLITE|sqlite|postgres|SELECT |INSERT |\bat [\w.<>]+ \(|node_modules|\.js:\d+/);
}

describe('bad input', () => {
  let t: TestServer;
  let patientId: string;
  let practitionerId: string;
  before(async () => {
    t = await startTestServer({ CDL_BODY_LIMIT: '4096', CDL_MAX_JSON_VALUES: '300' });
    patientId = (await t.request('POST', '/Patient', patient())).body.id;
    practitionerId = (await t.request('POST', '/Practitioner', practitioner())).body.id;
  });
  after(() => t.close());

  /** Everything stored but the audit log: versions and blobs. */
  const stored = async () => {
    const [h] = await t.sql<{ n: number | string }>("SELECT count(*) AS n FROM history WHERE type <> 'AuditEvent'");
    const [b] = await t.sql<{ n: number | string }>('SELECT count(*) AS n FROM blobs');
    return `${h!.n}/${b!.n}`;
  };
  /** Sends a bad request, checks the outcome, and that the store did not change. */
  const refused = async (send: () => Promise<FhirResult>, status: number, pattern?: RegExp, expression?: string): Promise<FhirResult> => {
    const before = await stored();
    const r = await send();
    assertOutcome(r, status, pattern, expression);
    assert.equal(await stored(), before, `nothing stored by a ${status}`);
    return r;
  };
  const post = (path: string, body: unknown, headers?: Record<string, string>) => () => t.request('POST', path, body, headers);
  const put = (path: string, body: unknown, headers?: Record<string, string>) => () => t.request('PUT', path, body, headers);
  const aNote = () => note(patientId, [`Practitioner/${practitionerId}`]) as any;

  it('malformed JSON → 400 with the position; empty body → 400; non-object JSON → 400', async () => {
    const r = await refused(post('/Patient', '{"resourceType": "Patient",', { 'content-type': 'application/fhir+json' }), 400, /not valid JSON at line 1, column \d+/);
    assert.equal(r.body.issue[0].code, 'structure');
    await refused(post('/Patient', '', { 'content-type': 'application/fhir+json' }), 400, /empty/);
    await refused(post('/Patient', '[1,2]', { 'content-type': 'application/fhir+json' }), 400, /must be a JSON object/);
    await refused(post('/Patient', '{"resourceType":"Patient","__proto__":{"admin":true}}', { 'content-type': 'application/fhir+json' }), 400, /__proto__/);
    await refused(post('/', '{"resourceType":"Bundle","type":"transaction","entry":[', { 'content-type': 'application/fhir+json' }), 400, /not valid JSON/);
  });

  it('wrong Content-Type → 415 (text/plain, XML, form, none)', async () => {
    await refused(post('/Patient', JSON.stringify(patient()), { 'content-type': 'text/plain' }), 415, /Content-Type 'text\/plain'/);
    await refused(post('/Patient', '<Patient xmlns="http://hl7.org/fhir"/>', { 'content-type': 'application/fhir+xml' }), 415, /XML/);
    await refused(post('/Patient', JSON.stringify(patient()), { 'content-type': 'application/x-www-form-urlencoded' }), 415, /only accepted by POST \[type\]\/_search/);
    await refused(put(`/Patient/${patientId}`, JSON.stringify({ ...patient(), id: patientId }), { 'content-type': 'text/csv' }), 415);
    await refused(post('/', JSON.stringify({ resourceType: 'Bundle', type: 'batch' }), { 'content-type': 'application/octet-stream' }), 415);
    const before = await stored();
    const none = await t.fetch(`${t.base}/Patient`, { method: 'POST', body: new TextEncoder().encode(JSON.stringify(patient())) });
    assert.equal(none.status, 415);
    assert.equal(((await none.json()) as any).resourceType, 'OperationOutcome');
    assert.equal(await stored(), before);
    // A form body is fine where it belongs: POST [type]/_search.
    const search = await t.request('POST', '/Patient/_search', `_id=${patientId}`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(search.status, 200, search.text);
    assert.equal(search.body.total, 1);
  });

  it('body over the configured limit → 413 (a resource, a Bundle)', async () => {
    await refused(post('/Patient', { ...patient(), name: [{ family: 'x'.repeat(5000) }] }), 413);
    await refused(post('/', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...patient(), name: [{ family: 'x'.repeat(5000) }] }, request: { method: 'POST', url: 'Patient' } }] }), 413);
  });

  it('deeply nested JSON → 400; JSON with too many values → 413; a string over 1 MB → 400', async () => {
    let deep: any = { url: 'http://x', valueString: 'y' };
    for (let i = 0; i < 80; i++) deep = { url: 'http://x', extension: [deep] };
    await refused(post('/Patient', { resourceType: 'Patient', extension: [deep] }), 400, /nested deeper than 64 levels/);
    const wide = { resourceType: 'Patient', name: Array.from({ length: 200 }, (_, i) => ({ family: `N${i}` })) };
    await refused(post('/Patient', wide), 413, /more than 300 values/);
    const roomy = await startTestServer();
    try {
      const long = await roomy.request('POST', '/Patient', { ...patient(), name: [{ family: 'x'.repeat(1024 * 1024 + 1) }] });
      assertOutcome(long, 400, /FHIR strings may not exceed 1048576 characters/, 'Patient.name[0].family');
    } finally {
      await roomy.close();
    }
  });

  it('unknown resource type → 404 on every interaction; unknown id → 404', async () => {
    await refused(() => t.request('GET', '/Foo/1'), 404, /Foo/);
    await refused(() => t.request('GET', '/Foo?name=x'), 404, /Foo/);
    await refused(post('/Observation', { resourceType: 'Observation' }), 404, /not supported/);
    await refused(put('/Observation/1', { resourceType: 'Observation', id: '1' }), 404, /not supported/);
    await refused(() => t.request('DELETE', '/Observation/1'), 404, /not supported/);
    await refused(() => t.request('GET', '/Observation/_history'), 404, /not supported/);
    await refused(() => t.request('GET', '/Patient/does-not-exist'), 404, /Patient\/does-not-exist is not known/);
    await refused(() => t.request('GET', '/Patient/does-not-exist/_history/1'), 404);
    await refused(() => t.request('GET', `/Patient/${patientId}/_history/99`), 404, /_history\/99/);
    await refused(() => t.request('GET', '/Patient/does-not-exist/_history'), 404);
    await refused(() => t.request('DELETE', '/Patient/does-not-exist'), 404, /Patient\/does-not-exist/);
    await refused(() => t.request('GET', '/Patient/x/y/z/w'), 404, /No FHIR endpoint/);
  });

  it('body resourceType or id not matching the URL → 400 with the element path', async () => {
    await refused(post('/Patient', practitioner()), 400, /'Practitioner' does not match the URL's type 'Patient'/, 'Patient.resourceType');
    await refused(put(`/Patient/${patientId}`, { ...patient(), id: 'other' }), 400, /does not match the URL's id/, 'Patient.id');
    await refused(put(`/Patient/${patientId}`, patient()), 400, /must carry its id/, 'Patient.id');
    await refused(post('/Patient', { name: [{ family: 'X' }] }), 400, /resourceType/);
    const entry = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: practitioner(), request: { method: 'POST', url: 'Patient' } }] };
    await refused(post('/', entry), 400, /does not match/, 'Bundle.entry[0].resource.resourceType');
  });

  it('invalid ids → 400', async () => {
    await refused(put('/Patient/bad_id!', { ...patient(), id: 'bad_id!' }), 400, /not a valid resource id/);
    await refused(() => t.request('GET', `/Patient/${'a'.repeat(65)}`), 400, /not a valid resource id/);
    await refused(() => t.request('DELETE', '/Patient/bad_id!'), 400, /not a valid resource id/);
  });

  it('invalid references → 400 (malformed) or 422 (nothing there), naming the element', async () => {
    const rp = (reference: string) => post('/RelatedPerson', { resourceType: 'RelatedPerson', patient: { reference } });
    const at = 'RelatedPerson.patient.reference';
    await refused(rp('Patient/bad id'), 400, /invalid reference/, at);
    await refused(rp('Foo/1'), 400, /'Foo' is not a known resource type/, at);
    await refused(rp('Practitioner/x'), 400, /reference to Practitioner is not allowed here/, at);
    await refused(rp('#nothing'), 400, /no contained resource/, at);
    await refused(rp('Patient/no-such-patient'), 422, /Patient\/no-such-patient does not exist/, at);
    await refused(rp(`Patient/${patientId}/_history/7`), 422, /has no version 7/, at);
    await refused(rp('urn:uuid:00000000-0000-4000-8000-000000000001'), 422, /only resolves to an entry of the same transaction/, at);
    await refused(post('/DocumentReference', note('no-such-patient', [`Practitioner/${practitionerId}`])), 422, /Patient\/no-such-patient does not exist/, 'DocumentReference.subject.reference');
    const versioned = await t.request('POST', '/RelatedPerson', { resourceType: 'RelatedPerson', patient: { reference: `Patient/${patientId}/_history/1` } });
    assert.equal(versioned.status, 201, versioned.text);
  });

  it('an update may not change a note’s subject or authors → 422', async () => {
    const other = (await t.request('POST', '/Patient', patient('999999999999999'))).body.id;
    const n = (await t.request('POST', '/DocumentReference', aNote())).body;
    await refused(put(`/DocumentReference/${n.id}`, { ...n, subject: { reference: `Patient/${other}` } }), 422, /may not change the note's subject/, 'DocumentReference.subject');
    await refused(put(`/DocumentReference/${n.id}`, { ...n, author: [{ reference: `Patient/${patientId}` }] }), 422, /may not change the note's authors/);
    assert.equal((await t.request('GET', `/DocumentReference/${n.id}`)).body.meta.versionId, '1');
  });

  it('methods not allowed and unsupported interactions answer 405/415/400 OperationOutcomes', async () => {
    await refused(() => t.request('PATCH', `/Patient/${patientId}`, '[]', { 'content-type': 'application/json-patch+json' }), 415);
    await refused(() => t.request('DELETE', '/Patient'), 400, /needs search criteria/);
    await refused(post('/metadata', {}), 405);
    await refused(put('/Patient?identifier=x', patient()), 400);
  });

  it('bad If-Match and history parameters → 400', async () => {
    await refused(put(`/Patient/${patientId}`, { ...patient(), id: patientId }, { 'if-match': 'nonsense' }), 400, /If-Match/);
    await refused(() => t.request('GET', '/Patient/_history?_count=abc'), 400, /_count/);
    await refused(() => t.request('GET', '/Patient/_history?_since=yesterday'), 400, /_since/);
    await refused(() => t.request('GET', '/Patient/_history?foo=bar'), 400, /foo/);
  });

  it('base R4 violations → 400 with the element path', async () => {
    await refused(post('/Patient', { ...patient(), nickname: 'Jeannot' }), 400, /nickname/, 'Patient.nickname');
    await refused(post('/Patient', { ...patient(), birthDate: '12/05/1941' }), 400, /not a valid date/, 'Patient.birthDate');
    await refused(post('/Patient', { ...patient(), birthDate: '1941-02-30' }), 400, /no such day/, 'Patient.birthDate');
    await refused(post('/Patient', { ...patient(), gender: 'féminin' }), 400, /required value set/, 'Patient.gender');
    await refused(post('/Patient', { ...patient(), active: 'true' }), 400, /expected a JSON boolean/, 'Patient.active');
    await refused(post('/Patient', { ...patient(), name: [] }), 400, /empty array/, 'Patient.name');
    await refused(post('/Patient', { ...patient(), name: { family: 'X' } }), 400, undefined, 'Patient.name');
    const badData = aNote();
    badData.content[0].attachment.data = 'not base64!';
    await refused(post('/DocumentReference', badData), 400, undefined, 'DocumentReference.content[0].attachment.data');
    const badMime = aNote();
    badMime.content[0].attachment.contentType = 'not a mime type';
    await refused(post('/DocumentReference', badMime), 400, undefined, 'DocumentReference.content[0].attachment.contentType');
    await refused(post('/DocumentReference', { ...aNote(), status: 'draft' }), 400, undefined, 'DocumentReference.status');
    // The six author types of the CdL profile are those of base R4.
    await refused(post('/DocumentReference', { ...aNote(), author: [{ reference: 'CareTeam/x' }] }), 400, /not allowed here/, 'DocumentReference.author[0].reference');
  });

  it('CdL note profile violations → 422 with the element path', async () => {
    const label = (code: string) => ({ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code }] });
    const isEmergency = 'https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-ext-is-emergency';
    const cases: Array<[string, (n: any) => void, string]> = [
      ['no type', (n) => delete n.type, 'DocumentReference.type'],
      ['type outside JDV_J23', (n) => (n.type.coding[0].code = 'XYZ'), 'DocumentReference.type'],
      ['docStatus present', (n) => (n.docStatus = 'final'), 'DocumentReference.docStatus'],
      ['authenticator present', (n) => (n.authenticator = { reference: `Practitioner/${practitionerId}` }), 'DocumentReference.authenticator'],
      ['custodian present', (n) => (n.custodian = { reference: 'Organization/x' }), 'DocumentReference.custodian'],
      ['no author', (n) => delete n.author, 'DocumentReference.author'],
      ['no subject', (n) => delete n.subject, 'DocumentReference.subject'],
      ['subject not a Patient', (n) => (n.subject = { reference: `Practitioner/${practitionerId}` }), 'DocumentReference.subject.reference'],
      ['label outside JDV_J110', (n) => (n.securityLabel = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] }]), 'DocumentReference.securityLabel'],
      ['two labels (0..1)', (n) => (n.securityLabel = [label('MASQUE_PS'), label('MASQUE_PT')]), 'DocumentReference.securityLabel'],
      ['is-emergency without valueBoolean', (n) => (n.extension = [{ url: isEmergency, valueString: 'oui' }]), 'DocumentReference.extension[0].valueBoolean'],
    ];
    for (const [what, mutate, path] of cases) {
      const n = aNote();
      mutate(n);
      const r = await refused(post('/DocumentReference', n), 422);
      assert.ok(
        r.body.issue.some((i: any) => (i.expression ?? []).some((e: string) => e.startsWith(path))),
        `${what}: ${JSON.stringify(r.body.issue)}`,
      );
    }
    // No content at all is a base cardinality violation (content 1..1 in R4 as well).
    await refused(post('/DocumentReference', { ...aNote(), content: undefined }), 400, /content/, 'DocumentReference.content');
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
});
