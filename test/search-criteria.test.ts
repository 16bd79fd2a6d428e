/**
 * End-to-end filtering criteria beyond test/search.test.ts: token forms on identifiers with and
 * without a system, `:not` on absent elements, `:text`, OID aliases; string folding with
 * `:exact` and `:contains`; references (version-specific, foreign absolute URLs, bad targets);
 * every IG author chain and chains of three links; comma = OR and repeated = AND on each type.
 * The data is test/support/search-dataset.ts plus the actors and notes below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifierSystems, typeNote, visibilityStatus } from '../src/fhir/terminology.js';
import { textData } from './support/fixtures.js';
import { loadSearchDataset } from './support/search-dataset.js';
import { putAll, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const LOCAL = 'urn:oid:1.2.3.4.5';
const extraNote = (id: string, author: string, relatesTo?: string, display?: string) => ({
  resourceType: 'DocumentReference',
  id,
  status: 'current',
  type: { coding: [{ system: typeNote.url, code: 'GEN', ...(display ? { display } : {}) }], ...(display ? {} : { text: 'Transmission du soir' }) },
  subject: { reference: 'Patient/p1' },
  author: [{ reference: author }],
  ...(relatesTo ? { relatesTo: [{ code: 'appends', target: { reference: `DocumentReference/${relatesTo}` } }] } : {}),
  content: [{ attachment: { contentType: 'text/plain', data: textData(`texte de ${id}`) } }],
});

const extras = [
  // p3: an upper-case accented compound family name; no gender; an identifier without a system.
  { resourceType: 'Patient', id: 'p3', identifier: [{ value: 'LOC-1' }], name: [{ family: 'LEFÈVRE-DURAND', given: ['Jeanne'] }] },
  // p4: the same identifier value in another system.
  { resourceType: 'Patient', id: 'p4', identifier: [{ system: LOCAL, value: 'LOC-1' }], name: [{ family: 'Dupond', given: ['Zoé'] }], gender: 'female' },
  { resourceType: 'Organization', id: 'org-1', identifier: [{ system: identifierSystems.nationalStructure, value: '100000001' }], name: 'EHPAD Les Tilleuls' },
  { resourceType: 'Device', id: 'scale-2', identifier: [{ system: LOCAL, value: 'SN-2' }], deviceName: [{ name: 'Balance connectée', type: 'user-friendly-name' }], url: 'https://devices.example.org/balance/2' },
  { resourceType: 'RelatedPerson', id: 'rp-paul', patient: { reference: 'Patient/p1' }, identifier: [{ system: LOCAL, value: 'RP-2' }], name: [{ family: 'Lefèvre', given: ['Paul'] }] },
  // n8 answers n2 (written by role-dupont); n9, n10 by the organisation and the device; n11 by the relative.
  extraNote('n8', 'Organization/org-1', 'n2', 'Note générale'),
  extraNote('n9', 'Device/scale-2'),
  extraNote('n10', 'RelatedPerson/rp-paul', 'n8'),
];

describe('search: criteria', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer();
    s = searchHelpers(t);
    await loadSearchDataset(t);
    await putAll(t, extras);
  });
  after(() => t.close());
  const notes = (q: string) => s.ids(`/DocumentReference?${q}`);

  it('token on identifiers: code, system|code, |code, system|, OR, AND', async () => {
    assert.deepEqual(await s.ids('/Patient?identifier=LOC-1'), ['p3', 'p4']);
    assert.deepEqual(await s.ids('/Patient?identifier=|LOC-1'), ['p3']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${LOCAL}|LOC-1`), ['p4']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${LOCAL}|`), ['p4']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${identifierSystems.insNir}|`), ['p1', 'p2']);
    assert.deepEqual(await s.ids(`/Patient?identifier=${identifierSystems.insNir}|LOC-1`), []);
    assert.deepEqual(await s.ids(`/Patient?identifier=|LOC-1,${identifierSystems.insNir}|2990000000002`), ['p2', 'p3']);
    assert.deepEqual(await s.ids(`/Patient?identifier=LOC-1&identifier=${LOCAL}|`), ['p4']);
    // codes are compared exactly (case-sensitive)
    assert.deepEqual(await s.ids('/Patient?identifier=loc-1'), []);
  });

  it('token :not also matches resources without the element; :text on display and CodeableConcept.text', async () => {
    assert.deepEqual(await s.ids('/Patient?gender:not=male'), ['p1', 'p3', 'p4']);
    assert.deepEqual(await s.ids('/Patient?gender:not=male,female'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?gender=male,female&gender:not=female'), ['p2']);
    assert.deepEqual(await notes('type:not=OBS,INTERV,INST'), ['n10', 'n4', 'n5', 'n8', 'n9']);
    // :text is a folded starts-with on Coding.display and CodeableConcept.text
    assert.deepEqual(await notes('type:text=note gener'), ['n8']);
    assert.deepEqual(await notes('type:text=TRANSMISSION'), ['n10', 'n9']);
    assert.deepEqual(await notes('type:text=generale'), []);
    assert.deepEqual(await notes('type:text=note,transmission du'), ['n10', 'n8', 'n9']);
  });

  it('token systems: canonical URL, the code system OID, the value-set OID', async () => {
    assert.deepEqual(await notes(`security-label=${visibilityStatus.url}|MASQUE_PT`), ['n3']);
    assert.deepEqual(await notes(`security-label=urn:oid:${visibilityStatus.oid}|MASQUE_PT`), ['n3']);
    assert.deepEqual(await notes(`type=urn:oid:${typeNote.oid}|INTERV`), ['n2']);
    assert.deepEqual(await notes('type=urn:oid:1.2.250.1.213.1.1.5.98|INTERV,urn:oid:1.2.250.1.213.1.1.5.98|INST'), ['n2', 'n7']);
    assert.deepEqual(await notes(`type=urn:oid:${typeNote.oid}|&type=GEN`), ['n10', 'n4', 'n8', 'n9']);
    assert.deepEqual(await notes('type=urn:oid:1.2.250.1.213.1.1.4.999|OBS'), []);
    assert.deepEqual(await notes('type=OBS&type=GEN'), []);
  });

  it('string: folded prefix, :exact, :contains, OR and AND', async () => {
    assert.deepEqual(await s.ids('/Patient?family=lefevre'), ['p1', 'p3']);
    assert.deepEqual(await s.ids('/Patient?family=LEFÈVRE-D'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?family=dupon'), ['p2', 'p4']);
    assert.deepEqual(await s.ids('/Patient?family=dupont'), ['p2']);
    assert.deepEqual(await s.ids('/Patient?family=upont'), []);
    assert.deepEqual(await s.ids('/Patient?family=durand'), []);
    assert.deepEqual(await s.ids('/Patient?given=zoe'), ['p4']);
    assert.deepEqual(await s.ids('/Patient?name=hel'), ['p1']);
    assert.deepEqual(await s.ids('/Patient?family:exact=Lefèvre'), ['p1']);
    // The same name with the accent typed as a combining mark (NFD) is the same text.
    assert.deepEqual(await s.ids(`/Patient?family:exact=${encodeURIComponent('Lefèvre'.normalize('NFD'))}`), ['p1']);
    assert.deepEqual(await s.ids('/Patient?family:exact=Lefevre'), []);
    assert.deepEqual(await s.ids('/Patient?family:exact=Lefè'), []);
    assert.deepEqual(await s.ids('/Patient?family:exact=LEFÈVRE-DURAND'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?family:contains=durand'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?family:contains=EVR'), ['p1', 'p3']);
    assert.deepEqual(await s.ids('/Patient?family:contains=e%25'), []);
    assert.deepEqual(await s.ids('/Patient?family:contains=_'), []);
    assert.deepEqual(await s.ids('/Patient?family=martin,dupond'), ['p4']);
    assert.deepEqual(await s.ids('/Patient?given=jeanne&family=lefevre-'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?given=jeanne&given=helene'), ['p1']);
  });

  it('reference: Type/id, id, version-specific, absolute URLs (local and foreign), OR, AND, bad targets', async () => {
    assert.deepEqual(await notes('subject=Patient/p2/_history/1'), ['n3', 'n5']);
    assert.deepEqual(await notes('patient=p2'), ['n3', 'n5']);
    assert.deepEqual(await notes(`patient=${encodeURIComponent(`${t.base}/Patient/p2`)}`), ['n3', 'n5']);
    assert.deepEqual(await notes('subject=http://elsewhere.example/fhir/Patient/p2'), []);
    assert.deepEqual(await notes('author=Practitioner/dr-dupont,Device/scale-1'), ['n1', 'n6', 'n7']);
    assert.deepEqual(await notes('author=Practitioner/dr-dupont&author=PractitionerRole/role-dupont'), ['n7']);
    assert.deepEqual(await notes('author:Organization=org-1'), ['n8']);
    assert.deepEqual(await notes('relatesto=n2,n8'), ['n10', 'n8']);
    assert.equal((await s.status('/DocumentReference?patient=Practitioner/dr-dupont')).status, 400);
    assert.equal((await s.status('/DocumentReference?author:Group=g1')).status, 400);
    assert.equal((await s.status('/DocumentReference?subject=not a reference')).status, 400);
  });

  it('every IG criterion: subject/patient identifier and each author chain', async () => {
    const nir = identifierSystems.insNir;
    assert.deepEqual(await notes(`subject.identifier=${nir}|2990000000002`), ['n3', 'n5']);
    assert.deepEqual(await notes('patient.identifier=2990000000002'), ['n3', 'n5']);
    assert.deepEqual(await notes('subject:Patient.identifier=1234567890112345678901'), ['n1', 'n10', 'n2', 'n4', 'n6', 'n7', 'n8', 'n9']);
    assert.deepEqual(await notes(`author:Practitioner.identifier=${identifierSystems.nationalProfessional}|80123456789`), ['n1', 'n2', 'n7']);
    assert.deepEqual(await notes('author:Practitioner.identifier=80999999999'), ['n3']);
    assert.deepEqual(await notes('author:Patient.identifier=2990000000002'), ['n5']);
    assert.deepEqual(await notes(`author:RelatedPerson.identifier=${LOCAL}|RP-2`), ['n10']);
    assert.deepEqual(await notes(`author:Organization.identifier=${identifierSystems.nationalStructure}|100000001`), ['n8']);
    assert.deepEqual(await notes(`author:Device.identifier=${LOCAL}|SN-2`), ['n9']);
    assert.deepEqual(await notes('author:Device.identifier=RP-2'), []);
    assert.deepEqual(await notes('author:Practitioner.family=DUPONT'), ['n1', 'n2', 'n7']);
    assert.deepEqual(await notes('author:Practitioner.given=mar'), ['n1', 'n2', 'n7']);
    assert.deepEqual(await notes('author:Practitioner.name=paul'), ['n3']);
    assert.deepEqual(await notes('author:Practitioner.name=marie,paul'), ['n1', 'n2', 'n3', 'n7']);
    assert.deepEqual(await notes('author:Patient.family=dupont'), ['n5']);
    assert.deepEqual(await notes('author:Patient.given=marcel'), ['n5']);
    assert.deepEqual(await notes('author:Patient.name=marc'), ['n5']);
    assert.deepEqual(await notes('author:RelatedPerson.name=lefevre'), ['n10', 'n4']);
    assert.deepEqual(await notes('author:RelatedPerson.name=paul'), ['n10']);
    // a chain without a type: every target type that has the parameter
    assert.deepEqual(await notes('author.identifier=SN-2,RP-2'), ['n10', 'n9']);
    // two chains ANDed: Dupont's notes on the patient with this NIR
    assert.deepEqual(await notes('author:Practitioner.family=dupont&subject:Patient.identifier=2990000000002'), []);
  });

  it(':missing on token, string, reference and date parameters; uri exact, :below, :above', async () => {
    assert.deepEqual(await s.ids('/Patient?gender:missing=true'), ['p3']);
    assert.deepEqual(await s.ids('/Patient?gender:missing=false&family=dup'), ['p2', 'p4']);
    assert.deepEqual(await s.ids('/Patient?birthdate:missing=false'), []);
    assert.deepEqual(await notes('relatesto:missing=false'), ['n10', 'n7', 'n8']);
    assert.deepEqual(await notes('relatesto:missing=true&author:missing=false&type=GEN'), ['n4', 'n9']);
    assert.deepEqual(await notes('description:missing=true'), ['n10', 'n8', 'n9']);
    assert.deepEqual(await s.ids('/Device?identifier:missing=true'), ['scale-1']);
    assert.equal((await s.status('/Patient?gender:missing=maybe')).status, 400);
    assert.deepEqual(await s.ids('/Device?url=https://devices.example.org/balance/2'), ['scale-2']);
    assert.deepEqual(await s.ids('/Device?url=https://devices.example.org/balance'), []);
    assert.deepEqual(await s.ids('/Device?url:below=https://devices.example.org/balance'), ['scale-2']);
    assert.deepEqual(await s.ids('/Device?url:above=https://devices.example.org/balance/2/history'), ['scale-2']);
    assert.deepEqual(await s.ids('/Device?url:above=https://devices.example.org/balance'), []);
  });

  it('chains of three links; a fourth is refused', async () => {
    assert.deepEqual(await notes('author:PractitionerRole.practitioner.family=dupont'), ['n2', 'n7']);
    // n8 answers n2, written by role-dupont; n10 answers n8, written by the organisation
    assert.deepEqual(await notes('relatesto:DocumentReference.author:PractitionerRole.practitioner.identifier=80123456789'), ['n8']);
    // through Practitioner, the IG's rule also follows PractitionerRole.practitioner (n7 answers n1)
    assert.deepEqual(await notes('relatesto:DocumentReference.author:Practitioner.identifier=80123456789'), ['n7', 'n8']);
    assert.deepEqual(await notes('relatesto:DocumentReference.relatesto:DocumentReference.author:PractitionerRole=role-dupont'), ['n10']);
    assert.deepEqual(await notes('relatesto:DocumentReference.relatesto:DocumentReference.subject:Patient.identifier=1234567890112345678901'), ['n10']);
    const four = await s.status('/DocumentReference?relatesto:DocumentReference.relatesto:DocumentReference.author:PractitionerRole.practitioner.identifier=80123456789');
    assert.equal(four.status, 400);
    assert.match(four.diagnostics, /more than 3 links/);
    assert.equal((await s.status('/DocumentReference?author:Practitioner.nosuch=x')).status, 400);
    assert.equal((await s.status('/DocumentReference?type.identifier=x')).status, 400);
  });
});
