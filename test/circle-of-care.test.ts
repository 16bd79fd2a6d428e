/**
 * End-to-end: who belongs to a patient's circle of care (README, "Circle of care"): CareTeam
 * participants of every kind (PractitionerRole, Practitioner, Organization, RelatedPerson)
 * within their periods, active RelatedPersons, and the categories not in the main matrix
 * (organization, professional of unknown profession, another legal-representative code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { professionSante, typeNote, visibilityStatus } from '../src/fhir/terminology.js';
import { LABELS, type Label } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const day = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const role = (id: string, practitioner: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'PractitionerRole',
  id,
  active: true,
  practitioner: { reference: `Practitioner/${practitioner}` },
  code: [{ coding: [{ system: professionSante.url, code: '60' }] }],
  ...extra,
});

describe('circle of care', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const now = Date.now();
    const resources = [
      { resourceType: 'Patient', id: 'C' },
      { resourceType: 'Organization', id: 'ssiad', name: 'SSIAD' },
      { resourceType: 'Organization', id: 'other-org', name: 'Autre' },
      ...['p-author', 'p-org', 'p-direct', 'p-role', 'p-past', 'p-future', 'p-unknown', 'p-inactive-team'].map((id) => ({ resourceType: 'Practitioner', id })),
      role('r-author', 'p-author'),
      role('r-org-member', 'p-org', { organization: { reference: 'Organization/ssiad' } }),
      role('r-other-org', 'p-org', { organization: { reference: 'Organization/other-org' } }),
      role('r-direct', 'p-direct'),
      { resourceType: 'Organization', id: 'org-of-role', name: 'Cabinet infirmier' },
      role('r-role', 'p-role', { organization: { reference: 'Organization/org-of-role' } }),
      role('r-colleague', 'p-author', { organization: { reference: 'Organization/org-of-role' } }),
      role('r-role-2', 'p-role'),
      role('r-past', 'p-past'),
      role('r-future', 'p-future'),
      role('r-unknown', 'p-unknown', { code: undefined }),
      role('r-inactive-team', 'p-inactive-team'),
      { resourceType: 'RelatedPerson', id: 'rp-active', active: true, patient: { reference: 'Patient/C' } },
      { resourceType: 'RelatedPerson', id: 'rp-inactive', active: false, patient: { reference: 'Patient/C' } },
      { resourceType: 'RelatedPerson', id: 'rp-ended', patient: { reference: 'Patient/C' }, period: { end: iso(now - day) } },
      { resourceType: 'RelatedPerson', id: 'rp-poa', patient: { reference: 'Patient/C' }, relationship: [{ coding: [{ system: ROLE_CODE, code: 'HPOWATT' }] }] },
      {
        resourceType: 'CareTeam',
        id: 'team-C',
        status: 'active',
        subject: { reference: 'Patient/C' },
        participant: [
          { member: { reference: 'Organization/ssiad' } },
          { member: { reference: 'Practitioner/p-direct' } },
          { member: { reference: 'PractitionerRole/r-role' } },
          { member: { reference: 'PractitionerRole/r-past' }, period: { start: iso(now - 10 * day), end: iso(now - day) } },
          { member: { reference: 'PractitionerRole/r-future' }, period: { start: iso(now + day) } },
          { member: { reference: 'PractitionerRole/r-unknown' } },
        ],
      },
      { resourceType: 'CareTeam', id: 'team-C-old', status: 'inactive', subject: { reference: 'Patient/C' }, participant: [{ member: { reference: 'PractitionerRole/r-inactive-team' } }] },
    ];
    for (const r of resources) {
      const res = await t.request('PUT', `/${r.resourceType}/${r.id}`, r);
      assert.equal(res.status, 201, `${r.resourceType}/${r.id}: ${res.text}`);
    }
    for (const label of LABELS) {
      const n: Record<string, unknown> = {
        resourceType: 'DocumentReference',
        id: `c-${label.toLowerCase().replace(/_/g, '-')}`,
        status: 'current',
        type: { coding: [{ system: typeNote.url, code: 'OBS' }] },
        subject: { reference: 'Patient/C' },
        author: [{ reference: 'PractitionerRole/r-author' }],
        content: [{ attachment: { contentType: 'text/plain', data: 'eA==' } }],
      };
      if (label !== 'none') n.securityLabel = [{ coding: [{ system: visibilityStatus.url, code: label }] }];
      assert.equal((await t.request('PUT', `/DocumentReference/${n.id}`, n)).status, 201);
    }
  });
  after(() => t.close());

  /** The labels of the notes of C the caller sees (its circle membership and category). */
  const seen = async (fhirUser: string): Promise<Label[] | number> => {
    const token = await t.token({ fhirUser, scope: 'user/*.rs' });
    const r = await t.request('GET', '/DocumentReference?patient=Patient/C&_count=50', undefined, { authorization: `Bearer ${token}` });
    if (r.status !== 200) return r.status;
    const ids = (r.body.entry ?? []).map((e: any) => e.resource.id as string);
    return LABELS.filter((l) => ids.includes(`c-${l.toLowerCase().replace(/_/g, '-')}`));
  };
  const allBut = (...hidden: Label[]) => LABELS.filter((l) => !hidden.includes(l));

  it('participants: an Organization opens to its roles; a Practitioner to itself and its roles; a PractitionerRole to itself and its Practitioner', async () => {
    assert.deepEqual(await seen('PractitionerRole/r-org-member'), allBut('MASQUE_PS'), 'role of the participating organization');
    assert.deepEqual(await seen('PractitionerRole/r-direct'), allBut('MASQUE_PS'), 'role of the participating practitioner');
    assert.deepEqual(await seen('Practitioner/p-direct'), allBut('MASQUE_PS'), 'the participating practitioner');
    assert.deepEqual(await seen('Practitioner/p-role'), allBut('MASQUE_PS'), 'the practitioner of the participating role');
    assert.deepEqual(await seen('PractitionerRole/r-other-org'), [], 'the same practitioner’s role in another organization');
    assert.deepEqual(await seen('PractitionerRole/r-role-2'), [], 'another role of the participating role’s practitioner');
    assert.deepEqual(await seen('PractitionerRole/r-colleague'), [], 'a colleague (same organization) of a participating role is not a participant');
    // Authorship lifts audience labels, not the circle: an author outside it sees nothing of it.
    assert.deepEqual(await seen('Practitioner/p-author'), [], 'an author outside the circle');
  });

  it('periods, inactive teams and inactive or ended relatives', async () => {
    assert.deepEqual(await seen('PractitionerRole/r-past'), [], 'participation ended');
    assert.deepEqual(await seen('PractitionerRole/r-future'), [], 'participation not begun');
    assert.deepEqual(await seen('PractitionerRole/r-inactive-team'), [], 'inactive CareTeam');
    assert.deepEqual(await seen('RelatedPerson/rp-active'), allBut('MASQUE_PT'));
    assert.equal(await seen('RelatedPerson/rp-inactive'), 403, 'an inactive RelatedPerson is no user');
    assert.deepEqual(await seen('RelatedPerson/rp-ended'), [], 'relationship period ended');
  });

  it('categories: organization sees no labelled note, unknown profession neither PS nor PSOCIAL ones, HPOWATT is a legal representative', async () => {
    assert.deepEqual(await seen('Organization/ssiad'), ['none']);
    assert.deepEqual(await seen('PractitionerRole/r-unknown'), allBut('MASQUE_PS', 'MASQUE_PSOCIAL'));
    assert.deepEqual(await seen('RelatedPerson/rp-poa'), allBut('MASQUE_PT', 'INVISIBLE_REPRESENTANTS_LEGAUX'));
    assert.deepEqual(await seen('Patient/C'), allBut('INVISIBLE_PATIENT'));
  });
});
