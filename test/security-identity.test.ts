/**
 * Attack tests: the resources that say who a caller is (its category) and which notebooks it may
 * open (its circle of care) cannot be changed by users. Otherwise a professional could re-code
 * its own PractitionerRole to escape MASQUE_PS, a professional outside the circle could re-point
 * a CareTeam member's PractitionerRole to itself, a legal representative could drop its
 * guardian role to read INVISIBLE_REPRESENTANTS_LEGAUX notes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifierSystems, professionSocial } from '../src/fhir/terminology.js';
import { loadCareCircle, noteId, type CallerName } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('identity and circle-of-care resources are managed by system clients', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  before(async () => {
    t = await startTestServer();
    ({ tokens } = await loadCareCircle(t));
  });
  after(() => t.close());
  const as = (caller: CallerName) => ({ authorization: `Bearer ${tokens[caller]}` });
  const current = async (path: string) => (await t.request('GET', path)).body;
  /** Expects 403 and the resource unchanged (same version). */
  const refused = async (caller: CallerName | { authorization: string }, method: string, path: string, body: unknown, target = path) => {
    const before = await current(target);
    const r = await t.request(method, path, body, typeof caller === 'string' ? as(caller) : caller);
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    const after = await current(target);
    assert.equal(after.meta?.versionId, before.meta?.versionId, `${target} unchanged`);
    return r;
  };

  it('a professional cannot re-code its own PractitionerRole to escape MASQUE_PS', async () => {
    assert.equal((await t.request('GET', `/DocumentReference/${noteId('MASQUE_PS')}`, undefined, as('gp'))).status, 404);
    const role = await current('/PractitionerRole/role-gp');
    const r = await refused('gp', 'PUT', '/PractitionerRole/role-gp', { ...role, code: [{ coding: [{ system: professionSocial.url, code: '11' }] }] });
    assert.match(r.body.issue[0].diagnostics, /system clients/);
    assert.equal((await t.request('GET', `/DocumentReference/${noteId('MASQUE_PS')}`, undefined, as('gp'))).status, 404);
  });

  it('a professional outside the circle cannot re-point a CareTeam member’s role, nor create roles or practitioners', async () => {
    const outsider = { authorization: `Bearer ${await t.token({ fhirUser: 'Practitioner/pr-out', scope: 'user/*.cruds' })}` };
    assert.equal((await t.request('GET', '/Patient/P', undefined, outsider)).status, 404);
    const role = await current('/PractitionerRole/role-gp');
    await refused(outsider, 'PUT', '/PractitionerRole/role-gp', { ...role, practitioner: { reference: 'Practitioner/pr-out' } });
    await refused(outsider, 'DELETE', '/PractitionerRole/role-out', undefined);
    const created = await t.request('PUT', '/PractitionerRole/role-out-2', { resourceType: 'PractitionerRole', id: 'role-out-2', practitioner: { reference: 'Practitioner/pr-out' } }, outsider);
    assert.equal(created.status, 403, created.text);
    const twin = await t.request('POST', '/Practitioner', { resourceType: 'Practitioner', identifier: [{ system: identifierSystems.nationalProfessional, value: '81000000002' }] }, outsider);
    assert.equal(twin.status, 403, twin.text);
    for (const type of ['Organization', 'Device']) {
      assert.equal((await t.request('POST', `/${type}`, { resourceType: type }, outsider)).status, 403, type);
    }
    await refused('gp', 'PUT', '/Device/dev-scale', { ...(await current('/Device/dev-scale')), patient: { reference: 'Patient/Q' } });
    assert.equal((await t.request('GET', '/Patient/P', undefined, outsider)).status, 404);
    assert.equal((await t.request('GET', '/PractitionerRole?practitioner=Practitioner/pr-out&_summary=count')).body.total, 1);
  });

  it('a legal representative cannot drop its guardian role; a relative cannot deactivate or delete another', async () => {
    const hidden = `/DocumentReference/${noteId('INVISIBLE_REPRESENTANTS_LEGAUX')}`;
    assert.equal((await t.request('GET', hidden, undefined, as('guardian'))).status, 404);
    const guardian = await current('/RelatedPerson/rp-guardian');
    const dau = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU' }] }];
    const r = await refused('guardian', 'PUT', '/RelatedPerson/rp-guardian', { ...guardian, relationship: dau });
    assert.match(r.body.issue[0].diagnostics, /circle of care/);
    assert.equal((await t.request('GET', hidden, undefined, as('guardian'))).status, 404);
    const daughter = await current('/RelatedPerson/rp-daughter');
    await refused('guardian', 'PUT', '/RelatedPerson/rp-daughter', { ...daughter, active: false });
    await refused('gp', 'PUT', '/RelatedPerson/rp-daughter', { ...daughter, period: { end: '2020-01-01' } });
    await refused('gp', 'DELETE', '/RelatedPerson/rp-daughter', undefined);
    await refused('gp', 'PUT', '/Patient/P', { ...(await current('/Patient/P')), active: false });
    // Changes that do not touch the circle or the category stay open to the circle.
    const phone = await t.request('PUT', '/RelatedPerson/rp-daughter', { ...daughter, telecom: [{ system: 'phone', value: '0600000000' }] }, as('relative'));
    assert.equal(phone.status, 200, phone.text);
    const newRelative = await t.request('POST', '/RelatedPerson', { resourceType: 'RelatedPerson', patient: { reference: 'Patient/P' }, name: [{ family: 'Voisin' }] }, as('gp'));
    assert.equal(newRelative.status, 201, newRelative.text);
  });

  it('system clients still manage all of it', async () => {
    const role = await current('/PractitionerRole/role-social');
    const r = await t.request('PUT', '/PractitionerRole/role-social', { ...role, active: true }, as('system'));
    assert.equal(r.status, 200, r.text);
    const rp = await t.request('PUT', '/RelatedPerson/rp-guardian', { ...(await current('/RelatedPerson/rp-guardian')), active: true }, as('system'));
    assert.equal(rp.status, 200, rp.text);
    assert.equal((await t.request('POST', '/Organization', { resourceType: 'Organization', name: 'SSIAD' }, as('system'))).status, 201);
  });

  it('Pro Santé Connect: a national id shared by several Practitioners resolves to none', async () => {
    await t.request('PUT', '/Practitioner/pr-twin', { resourceType: 'Practitioner', id: 'pr-twin', identifier: [{ system: identifierSystems.nationalProfessional, value: '81000000004' }] });
    const psc = await t.token({ scope: 'user/*.rs', subject: 'psc-twin', extraClaims: { SubjectNameID: '81000000004' } });
    const r = await t.request('GET', '/Patient/P', undefined, { authorization: `Bearer ${psc}` });
    assert.equal(r.status, 403, r.text);
    assert.match(r.body.issue[0].diagnostics, /several Practitioners/i);
  });
});
