import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { compilePath, rewriteResolveForFhirpath, UnsupportedExpression } from './path-compiler.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());

function values(type: string, expression: string, resource: object): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const b of compilePath(defs, type, expression)) b.build<Array<[string, unknown]>>((v, acc) => acc.push([b.type, v]))(resource, out);
  return out;
}

test('choice elements give one typed branch per type', () => {
  assert.deepEqual(
    compilePath(defs, 'Patient', 'Patient.deceased').map((b) => b.type),
    ['boolean', 'dateTime'],
  );
  assert.deepEqual(values('Patient', 'Patient.deceased', { deceasedDateTime: '2020' }), [['dateTime', '2020']]);
  assert.deepEqual(values('Observation', '(Observation.value.ofType(CodeableConcept)).text', { valueCodeableConcept: { text: 'x' } }), [['string', 'x']]);
  assert.deepEqual(values('Observation', 'Observation.value as Quantity', { valueQuantity: { value: 1 } }), [['Quantity', { value: 1 }]]);
});

test('paths through backbone elements, complex types, unions and Resource', () => {
  const note = { meta: { tag: [{ code: 'a' }, { code: 'b' }] }, content: [{ attachment: { language: 'fr' } }, { attachment: { language: 'en' } }] };
  assert.deepEqual(values('DocumentReference', 'Resource.meta.tag', note), [['Coding', { code: 'a' }], ['Coding', { code: 'b' }]]);
  assert.deepEqual(values('DocumentReference', 'DocumentReference.content.attachment.language', note), [['code', 'fr'], ['code', 'en']]);
  assert.deepEqual(values('Organization', 'Organization.name | Organization.alias', { name: 'A', alias: ['B', 'C'] }), [['string', 'A'], ['string', 'B'], ['string', 'C']]);
  // contentReference: Questionnaire.item.item reuses Questionnaire.item
  assert.deepEqual(values('Questionnaire', 'Questionnaire.item.item.linkId', { item: [{ linkId: '1', item: [{ linkId: '1.1' }] }] }), [['string', '1.1']]);
});

test('where() filters: resolve() is X and element = literal', () => {
  const telecom = { telecom: [{ system: 'phone', value: '1' }, { system: 'email', value: 'e' }] };
  assert.deepEqual(values('Patient', "Patient.telecom.where(system='email')", telecom), [['ContactPoint', { system: 'email', value: 'e' }]]);
  const expr = 'DocumentReference.subject.where(resolve() is Patient)';
  assert.deepEqual(values('DocumentReference', expr, { subject: { reference: 'Patient/1' } }), [['Reference', { reference: 'Patient/1' }]]);
  assert.deepEqual(values('DocumentReference', expr, { subject: { reference: 'Practitioner/1' } }), []);
  assert.deepEqual(values('DocumentReference', expr, { subject: { reference: 'urn:uuid:1', type: 'Patient' } }), [['Reference', { reference: 'urn:uuid:1', type: 'Patient' }]]);
  assert.deepEqual(values('DocumentReference', expr, { subject: { reference: 'Device/1', type: 'Patient' } }), []);
});

test('anything else is left to fhirpath.js', () => {
  for (const expr of ['Bundle.entry[0].resource', 'Patient.deceased.exists() and Patient.deceased != false', 'Patient.name.first()', 'Patient.bogus', 'Observation.name']) {
    const type = expr.split('.')[0]!;
    assert.throws(() => compilePath(defs, type, expr), UnsupportedExpression, expr);
  }
  assert.equal(
    rewriteResolveForFhirpath('X.subject.where(resolve() is Patient)'),
    "X.subject.where(iif(reference.exists(), reference.matches('^(.*/)?Patient/[A-Za-z0-9.-]+(/_history/[^/]+)?$') or " +
      "(reference.matches('^(.*/)?[A-Z][A-Za-z]+/[A-Za-z0-9.-]+(/_history/[^/]+)?$').not() and type = 'Patient'), type = 'Patient'))",
  );
});
