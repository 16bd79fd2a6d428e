/**
 * End-to-end actor searches of the IG's CapabilityStatement (GestionnaireCdL): Patient,
 * Practitioner, RelatedPerson, Organization, Device by identifier and names; PractitionerRole by
 * practitioner. Exact result sets; the server's own CapabilityStatement lists each parameter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifierSystems } from '../src/fhir/terminology.js';
import { cdlPackageFile } from './support/fixtures.js';
import { putAll, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const { insNir: NIR, insNia: NIA, nationalProfessional: RPPS, nationalStructure: FINESS } = identifierSystems;
const SIRET = 'urn:oid:1.2.250.1.71.4.2.2.3';
const LOCAL = 'urn:oid:1.2.3.4.5';

const ACTORS = [
  { resourceType: 'Patient', id: 'pat-1', identifier: [{ system: NIR, value: '248000000000001' }, { system: LOCAL, value: 'DOS-1' }], name: [{ family: 'Lefèvre', given: ['Jeanne', 'Hélène'] }] },
  { resourceType: 'Patient', id: 'pat-2', identifier: [{ system: NIA, value: '248000000000001' }], name: [{ family: 'Lefebvre', given: ['Jean'] }] },
  { resourceType: 'Patient', id: 'pat-3', identifier: [{ system: NIR, value: '170000000000003' }], name: [{ use: 'maiden', family: 'Müller' }, { family: 'Bœuf', given: ['Noël'] }] },
  { resourceType: 'Practitioner', id: 'pr-1', identifier: [{ system: RPPS, value: '10000000001' }], name: [{ family: 'Dupont', given: ['Marie', 'Anne'] }] },
  { resourceType: 'Practitioner', id: 'pr-2', identifier: [{ system: RPPS, value: '10000000002' }], name: [{ family: 'Dupond', given: ['Marc'] }] },
  { resourceType: 'Practitioner', id: 'pr-3', identifier: [{ system: LOCAL, value: '10000000001' }], name: [{ text: 'Dr Élise Roux' }] },
  { resourceType: 'PractitionerRole', id: 'role-1a', active: true, practitioner: { reference: 'Practitioner/pr-1' }, organization: { reference: 'Organization/org-1' } },
  { resourceType: 'PractitionerRole', id: 'role-1b', active: true, practitioner: { reference: 'Practitioner/pr-1' } },
  { resourceType: 'PractitionerRole', id: 'role-2', active: true, practitioner: { reference: 'Practitioner/pr-2' }, organization: { reference: 'Organization/org-1' } },
  { resourceType: 'RelatedPerson', id: 'rp-1', patient: { reference: 'Patient/pat-1' }, identifier: [{ system: LOCAL, value: 'RP-1' }], name: [{ family: 'Lefèvre', given: ['Claire'] }] },
  { resourceType: 'RelatedPerson', id: 'rp-2', patient: { reference: 'Patient/pat-1' }, name: [{ family: 'Martin', given: ['Éric'] }] },
  { resourceType: 'Organization', id: 'org-1', identifier: [{ system: FINESS, value: '750000001' }, { system: SIRET, value: '12345678900011' }], name: 'EHPAD Les Tilleuls', alias: ['Résidence des Tilleuls'] },
  { resourceType: 'Organization', id: 'org-2', identifier: [{ system: FINESS, value: '750000002' }], name: 'Centre de soins infirmiers' },
  { resourceType: 'Device', id: 'dev-1', identifier: [{ system: LOCAL, value: 'SN-1' }], serialNumber: 'SN-1', deviceName: [{ name: 'Balance connectée', type: 'user-friendly-name' }] },
  { resourceType: 'Device', id: 'dev-2', identifier: [{ system: LOCAL, value: 'SN-2' }], deviceName: [{ name: 'Tensiomètre', type: 'model-name' }] },
];

describe('search: actors (IG CapabilityStatement)', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer();
    s = searchHelpers(t);
    await putAll(t, ACTORS.filter((a) => a.resourceType === 'Organization'));
    await putAll(t, ACTORS.filter((a) => a.resourceType !== 'Organization'));
  });
  after(() => t.close());

  it('Patient by identifier, family, given, name', async () => {
    assert.deepEqual(await s.ids(`/Patient?identifier=${NIR}|248000000000001`), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?identifier=248000000000001'), ['pat-1', 'pat-2']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${NIA}|`), ['pat-2']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${LOCAL}|DOS-1`), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?family=lefe'), ['pat-1', 'pat-2']);
    assert.deepEqual(await s.ids('/Patient?family=lefev'), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?family=muller'), ['pat-3']);
    assert.deepEqual(await s.ids('/Patient?family=boeuf'), ['pat-3']);
    assert.deepEqual(await s.ids('/Patient?given=noel'), ['pat-3']);
    assert.deepEqual(await s.ids('/Patient?given=jean'), ['pat-1', 'pat-2']);
    assert.deepEqual(await s.ids('/Patient?given:exact=Jean'), ['pat-2']);
    assert.deepEqual(await s.ids('/Patient?given=helene'), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?name=hélène'), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?name=MÜLLER'), ['pat-3']);
    assert.deepEqual(await s.ids('/Patient?family=lefevre&given=jeanne'), ['pat-1']);
    assert.deepEqual(await s.ids('/Patient?family=lefevre&given=jean&identifier=248000000000001'), ['pat-1']);
  });

  it('Practitioner by identifier, family, given, name (name also matches text)', async () => {
    assert.deepEqual(await s.ids(`/Practitioner?identifier=${RPPS}|10000000001`), ['pr-1']);
    assert.deepEqual(await s.ids('/Practitioner?identifier=10000000001'), ['pr-1', 'pr-3']);
    assert.deepEqual(await s.ids(`/Practitioner?identifier=${RPPS}|`), ['pr-1', 'pr-2']);
    assert.deepEqual(await s.ids('/Practitioner?family=dupon'), ['pr-1', 'pr-2']);
    assert.deepEqual(await s.ids('/Practitioner?family=dupond'), ['pr-2']);
    assert.deepEqual(await s.ids('/Practitioner?given=anne'), ['pr-1']);
    assert.deepEqual(await s.ids('/Practitioner?given=mar'), ['pr-1', 'pr-2']);
    assert.deepEqual(await s.ids('/Practitioner?name=dr elise'), ['pr-3']);
    assert.deepEqual(await s.ids('/Practitioner?name=elise'), []);
    assert.deepEqual(await s.ids('/Practitioner?name:contains=elise'), ['pr-3']);
    assert.deepEqual(await s.ids('/Practitioner?family=dupont&given=marie'), ['pr-1']);
    assert.deepEqual(await s.ids('/Practitioner?family=dupont&given=marc'), []);
  });

  it('RelatedPerson by identifier and name', async () => {
    assert.deepEqual(await s.ids(`/RelatedPerson?identifier=${LOCAL}|RP-1`), ['rp-1']);
    assert.deepEqual(await s.ids('/RelatedPerson?identifier=RP-2'), []);
    assert.deepEqual(await s.ids('/RelatedPerson?name=lefevre'), ['rp-1']);
    assert.deepEqual(await s.ids('/RelatedPerson?name=eric'), ['rp-2']);
    assert.deepEqual(await s.ids('/RelatedPerson?name=claire,eric'), ['rp-1', 'rp-2']);
    assert.deepEqual(await s.ids('/RelatedPerson?patient=Patient/pat-1'), ['rp-1', 'rp-2']);
  });

  it('Organization by identifier and name', async () => {
    assert.deepEqual(await s.ids(`/Organization?identifier=${FINESS}|750000001`), ['org-1']);
    assert.deepEqual(await s.ids(`/Organization?identifier=${FINESS}|`), ['org-1', 'org-2']);
    assert.deepEqual(await s.ids(`/Organization?identifier=${SIRET}|12345678900011`), ['org-1']);
    assert.deepEqual(await s.ids('/Organization?identifier=750000002'), ['org-2']);
    assert.deepEqual(await s.ids('/Organization?name=ehpad'), ['org-1']);
    assert.deepEqual(await s.ids('/Organization?name=tilleuls'), []);
    // Organization.name covers the aliases
    assert.deepEqual(await s.ids('/Organization?name=residence'), ['org-1']);
    assert.deepEqual(await s.ids('/Organization?name:contains=soins'), ['org-2']);
  });

  it('Device by identifier and names', async () => {
    assert.deepEqual(await s.ids(`/Device?identifier=${LOCAL}|SN-1`), ['dev-1']);
    assert.deepEqual(await s.ids(`/Device?identifier=${LOCAL}|`), ['dev-1', 'dev-2']);
    assert.deepEqual(await s.ids('/Device?identifier=SN-3'), []);
    assert.deepEqual(await s.ids('/Device?device-name=balance'), ['dev-1']);
    assert.deepEqual(await s.ids('/Device?device-name=TENSIO'), ['dev-2']);
    assert.deepEqual(await s.ids('/Device?device-name=connectee'), []);
  });

  it('PractitionerRole by practitioner (Type/id, id, chained identifier) and organization', async () => {
    assert.deepEqual(await s.ids('/PractitionerRole?practitioner=Practitioner/pr-1'), ['role-1a', 'role-1b']);
    assert.deepEqual(await s.ids('/PractitionerRole?practitioner=pr-2'), ['role-2']);
    assert.deepEqual(await s.ids(`/PractitionerRole?practitioner=${encodeURIComponent(`${t.base}/Practitioner/pr-1`)}`), ['role-1a', 'role-1b']);
    assert.deepEqual(await s.ids(`/PractitionerRole?practitioner.identifier=${RPPS}|10000000002`), ['role-2']);
    assert.deepEqual(await s.ids('/PractitionerRole?practitioner.family=dupon'), ['role-1a', 'role-1b', 'role-2']);
    assert.deepEqual(await s.ids('/PractitionerRole?practitioner=pr-1&organization=Organization/org-1'), ['role-1a']);
    assert.deepEqual(await s.ids('/PractitionerRole?organization.identifier=750000001&_include=PractitionerRole:practitioner'), ['role-1a', 'role-2']);
    assert.deepEqual(await s.included('/PractitionerRole?organization.identifier=750000001&_include=PractitionerRole:practitioner'), ['Practitioner/pr-1', 'Practitioner/pr-2']);
    assert.deepEqual(await s.ids('/PractitionerRole?practitioner=pr-3'), []);
  });

  it('the server’s CapabilityStatement offers every search of the IG’s', async () => {
    const ours = (await t.request('GET', '/metadata')).body.rest[0].resource as any[];
    const offered = (type: string) => new Set((ours.find((r) => r.type === type)?.searchParam ?? []).map((p: any) => p.name));
    const ig = cdlPackageFile('CapabilityStatement-GestionnaireCdL.json') as any;
    const wanted: Array<[string, string]> = ig
      ? ig.rest[0].resource.flatMap((r: any) => (r.searchParam ?? []).map((p: any) => [r.type, p.name]))
      : [['Patient', 'identifier'], ['DocumentReference', 'date']];
    assert.ok(wanted.length >= 10, `${wanted.length} IG searches`);
    for (const [type, name] of [...wanted, ['PractitionerRole', 'practitioner'], ['Organization', 'name'], ['Device', 'device-name']] as Array<[string, string]>) {
      assert.ok(offered(type).has(name), `${type}?${name}`);
    }
  });
});
