import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { typeNote } from '../terminology.js';
import type { IndexEntry } from './index-entry.js';
import { createIndexer } from './indexer.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const TYPES = ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Observation', 'RiskAssessment', 'QuestionnaireResponse', 'CarePlan'];
const indexer = createIndexer(defs, TYPES);
const slow = createIndexer(defs, TYPES, { forceFhirpath: true });

const ms = (iso: string): number => Date.parse(iso);
type R = { resourceType: string } & Record<string, unknown>;
const of = (resource: R, param: string): IndexEntry[] => indexer.extract(resource).filter((e) => e.param === param);

/** The compiled accessors and fhirpath.js give the same entries. */
function assertParity(resource: R): void {
  const key = (es: IndexEntry[]): string[] => es.map((e) => JSON.stringify(e)).sort();
  assert.deepEqual(key(indexer.extract(resource)), key(slow.extract(resource)));
}

test('paramsFor lists the indexed parameters', () => {
  const codes = indexer.paramsFor('DocumentReference').map((p) => p.code);
  for (const c of ['_tag', '_security', '_profile', '_source', 'patient', 'subject', 'author', 'type', 'date', 'security-label', 'status']) assert.ok(codes.includes(c), c);
  for (const c of ['_id', '_lastUpdated', '_text', '_content', '_query', 'relationship']) assert.ok(!codes.includes(c), c);
  assert.deepEqual(indexer.paramsFor('Binary'), []);
  assert.equal(indexer.strategyOf('DocumentReference', 'patient'), 'compiled');
  assert.equal(indexer.strategyOf('Patient', 'deceased'), 'fhirpath');
  assert.throws(() => indexer.extract({ resourceType: 'Binary' }), /does not handle/);
});

test('token entries from Coding, CodeableConcept, code, boolean, Identifier, ContactPoint', () => {
  const note: R = {
    resourceType: 'DocumentReference',
    meta: { tag: [{ system: 'http://t', code: 'a' }, { system: 'http://t', code: 'a' }, { display: 'Only a display' }] },
    status: 'current',
    type: { coding: [{ system: `urn:oid:${typeNote.oid}`, code: 'OBS', display: "Note d'Observation" }], text: 'Observé à domicile' },
    category: [{ text: 'Catégorie libre' }],
    masterIdentifier: { system: 'urn:oid:1.2.3', value: 'N-1' },
    identifier: [{ system: 'urn:oid:1.2.3', value: 'N-1' }, { value: 'no-system' }, { system: 'urn:oid:9' }],
  };
  assert.deepEqual(of(note, '_tag'), [
    { kind: 'token', param: '_tag', system: 'http://t', code: 'a' },
    { kind: 'token', param: '_tag', system: null, code: null, text: 'only a display' },
  ]);
  assert.deepEqual(of(note, 'status'), [{ kind: 'token', param: 'status', system: null, code: 'current' }]);
  // the OID alias of the code system is stored as its canonical URL
  assert.deepEqual(of(note, 'type'), [
    { kind: 'token', param: 'type', system: typeNote.url, code: 'OBS', text: "note d'observation" },
    { kind: 'token', param: 'type', system: null, code: null, text: 'observe a domicile' },
  ]);
  assert.deepEqual(of(note, 'category'), [{ kind: 'token', param: 'category', system: null, code: null, text: 'categorie libre' }]);
  assert.deepEqual(of(note, 'identifier'), [
    { kind: 'token', param: 'identifier', system: 'urn:oid:1.2.3', code: 'N-1' },
    { kind: 'token', param: 'identifier', system: null, code: 'no-system' },
  ]);

  const patient: R = {
    resourceType: 'Patient',
    active: false,
    identifier: [
      {
        type: { coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: 'INS-NIR' }] },
        system: 'urn:oid:1.2.250.1.213.1.4.8',
        value: '123456789012244',
      },
    ],
    telecom: [{ system: 'phone', value: '+33635256986' }, { system: 'email', value: 'a@b.fr' }],
  };
  assert.deepEqual(of(patient, 'active'), [{ kind: 'token', param: 'active', system: null, code: 'false' }]);
  assert.deepEqual(of(patient, 'identifier'), [{ kind: 'token', param: 'identifier', system: 'urn:oid:1.2.250.1.213.1.4.8', code: '123456789012244' }]);
  assert.deepEqual(of(patient, 'identifier:of-type'), [
    { kind: 'token', param: 'identifier:of-type', system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: 'INS-NIR|123456789012244' },
  ]);
  assert.deepEqual(of(patient, 'telecom'), [
    { kind: 'token', param: 'telecom', system: null, code: '+33635256986' },
    { kind: 'token', param: 'telecom', system: null, code: 'a@b.fr' },
  ]);
  assert.deepEqual(of(patient, 'phone'), [{ kind: 'token', param: 'phone', system: null, code: '+33635256986' }]);
  assert.deepEqual(of(patient, 'email'), [{ kind: 'token', param: 'email', system: null, code: 'a@b.fr' }]);
  // deceased is evaluated by fhirpath.js: absent → false, dateTime → true, plus the death-date
  assert.deepEqual(of(patient, 'deceased'), [{ kind: 'token', param: 'deceased', system: null, code: 'false' }]);
  const dead: R = { resourceType: 'Patient', deceasedDateTime: '2020-05-01' };
  assert.deepEqual(of(dead, 'deceased'), [{ kind: 'token', param: 'deceased', system: null, code: 'true' }]);
  assert.deepEqual(of(dead, 'death-date'), [{ kind: 'date', param: 'death-date', start: ms('2020-05-01T00:00:00.000Z'), end: ms('2020-05-01T23:59:59.999Z') }]);
  assertParity(note);
  assertParity(patient);
  assertParity(dead);
});

test('string entries: folded and exact, one per HumanName and Address part', () => {
  const patient: R = {
    resourceType: 'Patient',
    name: [{ family: 'Lefèvre', given: ['Hélène', 'Marie'], prefix: ['Mme'], suffix: ['PhD'], text: 'Hélène Lefèvre' }, { family: 'Lefèvre' }],
    address: [{ line: ['10 Rue Guillaume Bertrand', 'Bât. B'], city: 'Paris', district: 'Île-de-France', state: 'IDF', postalCode: '75011', country: 'FR', text: '10 rue…' }],
  };
  const s = (param: string, exact: string, norm: string): IndexEntry => ({ kind: 'string', param, norm, exact });
  assert.deepEqual(of(patient, 'name'), [
    s('name', 'Lefèvre', 'lefevre'),
    s('name', 'Hélène', 'helene'),
    s('name', 'Marie', 'marie'),
    s('name', 'Mme', 'mme'),
    s('name', 'PhD', 'phd'),
    s('name', 'Hélène Lefèvre', 'helene lefevre'),
  ]);
  assert.deepEqual(of(patient, 'family'), [s('family', 'Lefèvre', 'lefevre')]);
  assert.deepEqual(of(patient, 'given'), [s('given', 'Hélène', 'helene'), s('given', 'Marie', 'marie')]);
  assert.deepEqual(of(patient, 'address'), [
    s('address', '10 Rue Guillaume Bertrand', '10 rue guillaume bertrand'),
    s('address', 'Bât. B', 'bat. b'),
    s('address', 'Paris', 'paris'),
    s('address', 'Île-de-France', 'ile-de-france'),
    s('address', 'IDF', 'idf'),
    s('address', '75011', '75011'),
    s('address', 'FR', 'fr'),
    s('address', '10 rue…', '10 rue…'),
  ]);
  assert.deepEqual(of(patient, 'address-city'), [s('address-city', 'Paris', 'paris')]);
  assertParity(patient);
});

test('date entries: instant with offset, date of year precision, Period with an open end, Timing', () => {
  const note: R = {
    resourceType: 'DocumentReference',
    date: '2019-03-04T08:30:00+11:00',
    context: { period: { start: '2024-05-02T08:00:00+02:00' } },
  };
  assert.deepEqual(of(note, 'date'), [{ kind: 'date', param: 'date', start: ms('2019-03-03T21:30:00.000Z'), end: ms('2019-03-03T21:30:00.999Z') }]);
  assert.deepEqual(of(note, 'period'), [{ kind: 'date', param: 'period', start: ms('2024-05-02T06:00:00.000Z'), end: Number.MAX_SAFE_INTEGER }]);
  const role: R = { resourceType: 'PractitionerRole', period: { end: '2025-06' } };
  assert.deepEqual(of(role, 'date'), [{ kind: 'date', param: 'date', start: Number.MIN_SAFE_INTEGER, end: ms('2025-06-30T23:59:59.999Z') }]);
  const patient: R = { resourceType: 'Patient', birthDate: '1975' };
  assert.deepEqual(of(patient, 'birthdate'), [{ kind: 'date', param: 'birthdate', start: ms('1975-01-01T00:00:00.000Z'), end: ms('1975-12-31T23:59:59.999Z') }]);
  const invalid: R = { resourceType: 'Patient', birthDate: '1975-02-30' };
  assert.deepEqual(of(invalid, 'birthdate'), []);
  const plan: R = {
    resourceType: 'CarePlan',
    activity: [{ detail: { scheduledTiming: { event: ['2024-01-02', '2024-01-03T10:00:00Z'], repeat: { boundsPeriod: { start: '2024-01-01', end: '2024-01-31' } } } } }],
  };
  assert.deepEqual(of(plan, 'activity-date'), [
    { kind: 'date', param: 'activity-date', start: ms('2024-01-02T00:00:00.000Z'), end: ms('2024-01-02T23:59:59.999Z') },
    { kind: 'date', param: 'activity-date', start: ms('2024-01-03T10:00:00.000Z'), end: ms('2024-01-03T10:00:00.999Z') },
    { kind: 'date', param: 'activity-date', start: ms('2024-01-01T00:00:00.000Z'), end: ms('2024-01-31T23:59:59.999Z') },
  ]);
  assertParity(note);
  assertParity(role);
  assertParity(plan);
});

test('number and quantity entries carry the precision-implied range', () => {
  const risk: R = { resourceType: 'RiskAssessment', prediction: [{ probabilityDecimal: 100 }, { probabilityRange: { low: { value: 0.1 }, high: { value: 0.3 } } }] };
  assert.deepEqual(of(risk, 'probability'), [
    { kind: 'number', param: 'probability', low: 99.5, high: 100.5 },
    { kind: 'number', param: 'probability', low: 0.05, high: 0.35 },
  ]);
  const obs: R = { resourceType: 'Observation', status: 'final', code: { text: 'poids' }, valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } };
  assert.deepEqual(of(obs, 'value-quantity'), [
    { kind: 'quantity', param: 'value-quantity', system: 'http://unitsofmeasure.org', code: 'kg', unit: 'kg', low: 72.45, high: 72.55 },
  ]);
  const below: R = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 5, comparator: '<', unit: 'mg' } };
  assert.deepEqual(of(below, 'value-quantity'), [
    { kind: 'quantity', param: 'value-quantity', system: null, code: null, unit: 'mg', low: Number.MIN_SAFE_INTEGER, high: 5.5 },
  ]);
  assertParity(risk);
  assertParity(obs);
});

test('reference entries: relative, versioned, absolute, urn, canonical, contained, logical', () => {
  const note: R = {
    resourceType: 'DocumentReference',
    subject: { reference: 'Patient/123/_history/2' },
    author: [
      { reference: 'Practitioner/p1' },
      { reference: 'http://example.org/fhir/Organization/o1' },
      { reference: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b' },
      { reference: '#contained1' },
      { type: 'RelatedPerson', identifier: { system: 'urn:oid:1.2.3', value: 'RP-9' } },
      { reference: 'Practitioner/p1' },
    ],
    relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/parent-1' } }],
  };
  assert.deepEqual(of(note, 'subject'), [{ kind: 'reference', param: 'subject', targetType: 'Patient', targetId: '123', url: null }]);
  assert.deepEqual(of(note, 'author'), [
    { kind: 'reference', param: 'author', targetType: 'Practitioner', targetId: 'p1', url: null },
    { kind: 'reference', param: 'author', targetType: 'Organization', targetId: 'o1', url: 'http://example.org/fhir/Organization/o1' },
    { kind: 'reference', param: 'author', targetType: null, targetId: null, url: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b' },
  ]);
  assert.deepEqual(of(note, 'author:identifier'), [{ kind: 'token', param: 'author:identifier', system: 'urn:oid:1.2.3', code: 'RP-9' }]);
  assert.deepEqual(of(note, 'relatesto'), [{ kind: 'reference', param: 'relatesto', targetType: 'DocumentReference', targetId: 'parent-1', url: null }]);
  const qr: R = { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: 'http://example.org/Questionnaire/q1|2.0' };
  assert.deepEqual(of(qr, 'questionnaire'), [
    { kind: 'reference', param: 'questionnaire', targetType: 'Questionnaire', targetId: 'q1', url: 'http://example.org/Questionnaire/q1' },
  ]);
  const tagged: R = { resourceType: 'DocumentReference', meta: { profile: ['https://example.org/StructureDefinition/p'], source: 'urn:oid:1.2' } };
  assert.deepEqual(of(tagged, '_profile'), [{ kind: 'uri', param: '_profile', uri: 'https://example.org/StructureDefinition/p' }]);
  assert.deepEqual(of(tagged, '_source'), [{ kind: 'uri', param: '_source', uri: 'urn:oid:1.2' }]);
  assertParity(note);
  assertParity(qr);
});

test('patient = subject.where(resolve() is Patient), without database access', () => {
  const forPatient: R = { resourceType: 'DocumentReference', subject: { reference: 'Patient/123' } };
  assert.deepEqual(of(forPatient, 'patient'), [{ kind: 'reference', param: 'patient', targetType: 'Patient', targetId: '123', url: null }]);
  const absolute: R = { resourceType: 'DocumentReference', subject: { reference: 'https://h.example/fhir/Patient/9' } };
  assert.deepEqual(of(absolute, 'patient'), [{ kind: 'reference', param: 'patient', targetType: 'Patient', targetId: '9', url: 'https://h.example/fhir/Patient/9' }]);
  const forPractitioner: R = { resourceType: 'DocumentReference', subject: { reference: 'Practitioner/123' } };
  assert.deepEqual(of(forPractitioner, 'patient'), []);
  assert.deepEqual(of(forPractitioner, 'subject'), [{ kind: 'reference', param: 'subject', targetType: 'Practitioner', targetId: '123', url: null }]);
  // a logical reference: Reference.type tells the type, only the identifier is indexed
  const logical: R = { resourceType: 'DocumentReference', subject: { type: 'Patient', identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1234567890123' } } };
  assert.deepEqual(of(logical, 'patient'), []);
  assert.deepEqual(of(logical, 'patient:identifier'), [{ kind: 'token', param: 'patient:identifier', system: 'urn:oid:1.2.250.1.213.1.4.8', code: '1234567890123' }]);
  const logicalPractitioner: R = { resourceType: 'DocumentReference', subject: { type: 'Practitioner', identifier: { value: 'x' } } };
  assert.deepEqual(of(logicalPractitioner, 'patient:identifier'), []);
  for (const r of [forPatient, absolute, forPractitioner, logical, logicalPractitioner]) assertParity(r);
});

test('identical entries are deduplicated', () => {
  const note: R = {
    resourceType: 'DocumentReference',
    masterIdentifier: { system: 's', value: 'v' },
    identifier: [{ system: 's', value: 'v' }],
    author: [{ reference: 'Practitioner/1' }, { reference: 'Practitioner/1' }],
  };
  assert.deepEqual(of(note, 'identifier'), [{ kind: 'token', param: 'identifier', system: 's', code: 'v' }]);
  assert.equal(of(note, 'author').length, 1);
});
