import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import type { Issue } from '../errors.js';
import { createStructureValidator } from './structure-validator.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const validator = createStructureValidator(defs);

/** `code path` of each issue, for exact comparisons. */
const summary = (issues: Issue[]): string[] => issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`);
const check = (resource: unknown, path?: string): string[] => summary(validator.validate(resource, path));

type Json = Record<string, unknown>;

const note = (extra: Json = {}): Json => ({
  resourceType: 'DocumentReference',
  status: 'current',
  content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }],
  ...extra,
});

const narrative = (div: string): Json => ({ text: { status: 'generated', div } });
const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';

describe('structure validator: resource type', () => {
  it('accepts a minimal valid resource', () => {
    assert.deepEqual(check(note()), []);
    assert.deepEqual(check({ resourceType: 'Patient' }), []);
  });

  it('requires a known concrete resourceType', () => {
    assert.deepEqual(check({ status: 'current' }), ['required Resource']);
    assert.deepEqual(check({ resourceType: 'Foo' }), ['structure Resource']);
    assert.deepEqual(check({ resourceType: 'DomainResource' }), ['structure Resource']);
    assert.deepEqual(check({ resourceType: 42 }), ['structure Resource']);
    assert.deepEqual(check('Patient'), ['structure Resource']);
    assert.deepEqual(check(null), ['structure Resource']);
    assert.deepEqual(check({ resourceType: 'Foo' }, 'Bundle.entry[1].resource'), ['structure Bundle.entry[1].resource']);
  });

  it('checks resource ids with the id format', () => {
    assert.deepEqual(check(note({ id: 'a b' })), ['value DocumentReference.id']);
    assert.deepEqual(check(note({ id: 'x'.repeat(65) })), ['value DocumentReference.id']);
    assert.deepEqual(check(note({ id: 'Ab-1.2' })), []);
  });
});

describe('structure validator: elements and cardinality', () => {
  it('rejects unknown elements with their exact path and a precise message', () => {
    const issues = validator.validate(note({ content: [{ attachment: { contentType: 'text/plain' }, foo: 1 }] }));
    assert.deepEqual(summary(issues), ['structure DocumentReference.content[0].foo']);
    assert.equal(issues[0]!.diagnostics, "Unknown element 'foo' in DocumentReference.content[0]");
    assert.equal(issues[0]!.severity, 'error');
    assert.deepEqual(check(note({ foo: 1 })), ['structure DocumentReference.foo']);
  });

  it('prefixes paths with the caller-supplied path', () => {
    assert.deepEqual(check(note({ status: 'draft', foo: 1 }), 'Bundle.entry[2].resource'), [
      'code-invalid Bundle.entry[2].resource.status',
      'structure Bundle.entry[2].resource.foo',
    ]);
  });

  it('reports missing required elements', () => {
    const issues = validator.validate({ resourceType: 'DocumentReference', status: 'current' });
    assert.deepEqual(summary(issues), ['required DocumentReference.content']);
    assert.match(issues[0]!.diagnostics, /Missing required element 'content' in DocumentReference/);
    assert.deepEqual(check(note({ content: [{}] })), ['structure DocumentReference.content[0]', 'required DocumentReference.content[0].attachment']);
  });

  it('distinguishes arrays from single values', () => {
    assert.deepEqual(check(note({ status: ['current'] })), ['structure DocumentReference.status']);
    assert.deepEqual(check(note({ content: { attachment: { contentType: 'text/plain' } } })), ['structure DocumentReference.content']);
    assert.deepEqual(check(note({ author: { reference: 'Patient/1' } })), ['structure DocumentReference.author']);
  });

  it('rejects empty strings, objects, arrays and null', () => {
    assert.deepEqual(check(note({ description: '' })), ['value DocumentReference.description']);
    assert.deepEqual(check(note({ type: {} })), ['structure DocumentReference.type']);
    assert.deepEqual(check(note({ category: [] })), ['structure DocumentReference.category']);
    assert.deepEqual(check(note({ description: null })), ['structure DocumentReference.description']);
    assert.deepEqual(check(note({ category: [null] })), ['structure DocumentReference.category[0]']);
  });

  it('validates nested BackboneElements and complex datatypes', () => {
    assert.deepEqual(check(note({ relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/1' } }] })), []);
    assert.deepEqual(check(note({ relatesTo: [{ code: 'appends' }] })), ['required DocumentReference.relatesTo[0].target']);
    assert.deepEqual(check(note({ context: { period: { start: '2020-01-01', bogus: true } } })), [
      'structure DocumentReference.context.period.bogus',
    ]);
    assert.deepEqual(check(note({ masterIdentifier: { value: 'x', system: 'not a uri' } })), ['value DocumentReference.masterIdentifier.system']);
  });

  it('follows contentReference elements', () => {
    const q = (inner: Json): Json => ({ resourceType: 'Questionnaire', status: 'active', item: [{ linkId: '1', type: 'group', item: [inner] }] });
    assert.deepEqual(check(q({ linkId: '1.1', type: 'string' })), []);
    assert.deepEqual(check(q({ linkId: '1.1', type: 'string', foo: 1 })), ['structure Questionnaire.item[0].item[0].foo']);
    assert.deepEqual(check(q({ type: 'string' })), ['required Questionnaire.item[0].item[0].linkId']);
  });
});

describe('structure validator: choice elements', () => {
  const obs = (extra: Json): Json => ({ resourceType: 'Observation', status: 'final', code: { text: 'weight' }, ...extra });

  it('accepts one valid choice', () => {
    assert.deepEqual(check(obs({ valueQuantity: { value: 72.5, unit: 'kg' } })), []);
    assert.deepEqual(check(obs({ effectiveDateTime: '2024-05-01T10:00:00+02:00' })), []);
  });

  it('rejects two choices of the same element', () => {
    assert.deepEqual(check(obs({ valueQuantity: { value: 1 }, valueString: 'x' })), ['structure Observation.valueString']);
  });

  it('rejects an invalid type suffix', () => {
    const issues = validator.validate(obs({ valueFoo: 1 }));
    assert.deepEqual(summary(issues), ['structure Observation.valueFoo']);
    assert.match(issues[0]!.diagnostics, /not a valid choice for Observation\.value\[x\]/);
  });
});

describe('structure validator: primitives', () => {
  const cases: Array<[string, Json, string[]]> = [
    ['instant without time', note({ date: '2019-03-04' }), ['value DocumentReference.date']],
    ['instant, no such day', note({ date: '2019-02-29T10:00:00Z' }), ['value DocumentReference.date']],
    ['instant, leap day', note({ date: '2020-02-29T10:00:00Z' }), []],
    ['dateTime partial', { resourceType: 'Patient', deceasedDateTime: '2019-03' }, []],
    ['date with garbage', { resourceType: 'Patient', birthDate: '1975-03-11x' }, ['value Patient.birthDate']],
    ['boolean as string', { resourceType: 'Patient', active: 'true' }, ['structure Patient.active']],
    ['integer as float', { resourceType: 'Patient', multipleBirthInteger: 1.5 }, ['value Patient.multipleBirthInteger']],
    ['unsignedInt negative', note({ content: [{ attachment: { size: -1 } }] }), ['value DocumentReference.content[0].attachment.size']],
    ['unsignedInt as string', note({ content: [{ attachment: { size: '1' } }] }), ['structure DocumentReference.content[0].attachment.size']],
    ['positiveInt zero', { resourceType: 'Patient', telecom: [{ value: 'x', rank: 0 }] }, ['value Patient.telecom[0].rank']],
    ['decimal as string', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: '1.5' } }, ['structure Observation.valueQuantity.value']],
    ['code with inner double space', note({ content: [{ attachment: { language: 'fr  FR' } }] }), ['value DocumentReference.content[0].attachment.language']],
    ['base64 bad length', note({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8' } }] }), ['value DocumentReference.content[0].attachment.data']],
    ['base64 bad char', note({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVs*G8=' } }] }), ['value DocumentReference.content[0].attachment.data']],
    ['base64 with line breaks', note({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVs\nbG8=' } }] }), []],
    ['uri with space', note({ content: [{ attachment: { url: 'http://x/a b' } }] }), ['value DocumentReference.content[0].attachment.url']],
    ['oid', { resourceType: 'Patient', identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1' }] }, []],
    ['time', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueTime: '25:00:00' }, ['value Observation.valueTime']],
    ['string with control character', note({ description: 'a\u0001b' }), ['value DocumentReference.description']],
    ['string with nbsp', note({ description: 'Mme\u00a0Dupont' }), []],
  ];
  for (const [label, resource, expected] of cases) {
    it(label, () => assert.deepEqual(check(resource), expected));
  }
});

describe('structure validator: primitive extension siblings', () => {
  const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };

  it('accepts _field with or without the value', () => {
    assert.deepEqual(check(note({ _status: ext })), []);
    assert.deepEqual(check({ resourceType: 'DocumentReference', _status: ext, content: note().content }), []);
  });

  it('accepts aligned arrays with null for alignment only', () => {
    assert.deepEqual(check({ resourceType: 'Patient', name: [{ given: ['a', null], _given: [null, ext] }] }), []);
    assert.deepEqual(check({ resourceType: 'Patient', name: [{ _given: [ext] }] }), []);
  });

  it('rejects misaligned or null-only entries', () => {
    assert.deepEqual(check({ resourceType: 'Patient', name: [{ given: ['a', null], _given: [null, null] }] }), ['structure Patient.name[0].given[1]']);
    assert.deepEqual(check({ resourceType: 'Patient', name: [{ given: ['a', 'b'], _given: [ext] }] }), ['structure Patient.name[0]._given']);
    assert.deepEqual(check({ resourceType: 'Patient', name: [{ _given: [null] }] }), ['structure Patient.name[0].given[0]']);
    assert.deepEqual(check(note({ _status: 'x' })), ['structure DocumentReference.status']);
    assert.deepEqual(check(note({ _status: { foo: 1 } })), ['structure DocumentReference.status.foo']);
  });

  it('rejects _field on a non-primitive element', () => {
    assert.deepEqual(check({ resourceType: 'Patient', _name: [ext] }), ['structure Patient._name']);
  });
});

describe('structure validator: extensions', () => {
  it('requires url and exactly one of value[x] or nested extensions', () => {
    assert.deepEqual(check(note({ extension: [{ valueBoolean: true }] })), ['required DocumentReference.extension[0].url']);
    assert.deepEqual(check(note({ extension: [{ url: 'http://x.org/e' }] })), ['invariant DocumentReference.extension[0]']);
    assert.deepEqual(check(note({ extension: [{ url: 'http://x.org/e', valueBoolean: true, extension: [{ url: 'a', valueString: 'b' }] }] })), [
      'invariant DocumentReference.extension[0]',
    ]);
    assert.deepEqual(check(note({ extension: [{ url: 'http://x.org/e', extension: [{ url: 'a', valueString: 'b' }] }] })), []);
    assert.deepEqual(check(note({ extension: [{ url: 'http://x.org/e', valueBoolean: true, valueString: 'x' }] })), [
      'structure DocumentReference.extension[0].valueString',
    ]);
    assert.deepEqual(check(note({ modifierExtension: [{ url: 'http://x.org/e', valueBoolean: 'yes' }] })), [
      'structure DocumentReference.modifierExtension[0].valueBoolean',
    ]);
  });
});

describe('structure validator: references', () => {
  const cases: Array<[string, unknown, string[]]> = [
    ['relative', 'Patient/123', []],
    ['versioned', 'Patient/123/_history/2', []],
    ['absolute URL', 'https://example.org/fhir/Patient/123', []],
    ['urn:uuid', 'urn:uuid:04886b69-ef36-4584-819e-4590cd3888a4', []],
    ['urn:oid', 'urn:oid:1.2.250.1.71.4.2.2', []],
    ['malformed urn:uuid', 'urn:uuid:1234', ['value DocumentReference.subject.reference']],
    ['other urn', 'urn:isbn:123', ['value DocumentReference.subject.reference']],
    ['unknown type', 'Foo/123', ['value DocumentReference.subject.reference']],
    ['target not allowed', 'Organization/123', ['value DocumentReference.subject.reference']],
    ['bad id', 'Patient/a b', ['value DocumentReference.subject.reference']],
    ['missing contained', '#p1', ['value DocumentReference.subject.reference']],
  ];
  for (const [label, reference, expected] of cases) {
    it(label, () => assert.deepEqual(check(note({ subject: { reference } })), expected));
  }

  it('resolves #id against contained resources and checks their type', () => {
    assert.deepEqual(check(note({ contained: [{ resourceType: 'Patient', id: 'p1' }], subject: { reference: '#p1' } })), []);
    assert.deepEqual(check(note({ contained: [{ resourceType: 'Organization', id: 'o1' }], subject: { reference: '#o1' } })), [
      'value DocumentReference.subject.reference',
    ]);
  });

  it('names the allowed targets', () => {
    const [i] = validator.validate(note({ subject: { reference: 'Organization/1' } }));
    assert.match(i!.diagnostics, /Organization is not allowed here \(allowed: Patient \| Practitioner \| Group \| Device\)/);
  });
});

describe('structure validator: contained resources', () => {
  it('validates them recursively with their own path', () => {
    assert.deepEqual(check(note({ contained: [{ resourceType: 'Patient', id: 'p1', foo: 1 }], subject: { reference: '#p1' } })), [
      'structure DocumentReference.contained[0].foo',
    ]);
  });

  it('rejects nested contained, meta.versionId/lastUpdated and a missing id', () => {
    const contained = {
      resourceType: 'Patient',
      id: 'p1',
      meta: { versionId: '1', lastUpdated: '2020-01-01T00:00:00Z' },
      contained: [{ resourceType: 'Patient', id: 'p2' }],
    };
    assert.deepEqual(check(note({ contained: [contained] })), [
      'invariant DocumentReference.contained[0].contained',
      'invariant DocumentReference.contained[0].meta.versionId',
      'invariant DocumentReference.contained[0].meta.lastUpdated',
    ]);
    assert.deepEqual(check(note({ contained: [{ resourceType: 'Patient' }] })), ['invariant DocumentReference.contained[0]']);
  });

  it('validates Bundle entry resources with their path', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', active: 1 } }] };
    assert.deepEqual(check(bundle), ['structure Bundle.entry[0].resource.active']);
  });
});

describe('structure validator: required bindings', () => {
  it('checks codes', () => {
    const issues = validator.validate(note({ status: 'draft' }));
    assert.deepEqual(summary(issues), ['code-invalid DocumentReference.status']);
    assert.equal(
      issues[0]!.diagnostics,
      "DocumentReference.status: value 'draft' is not in the required value set http://hl7.org/fhir/ValueSet/document-reference-status",
    );
  });

  it('checks Coding and CodeableConcept', () => {
    const cond = (clinicalStatus: unknown): Json => ({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus });
    const sys = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    assert.deepEqual(check(cond({ coding: [{ system: sys, code: 'active' }] })), []);
    assert.deepEqual(check(cond({ coding: [{ system: 'http://x.org', code: 'y' }, { system: sys, code: 'active' }] })), []);
    assert.deepEqual(check(cond({ coding: [{ system: 'http://x.org', code: 'active' }] })), ['code-invalid Condition.clinicalStatus']);
    assert.deepEqual(check(cond({ text: 'active' })), []);
    const sub = (channelType: unknown): Json => ({
      resourceType: 'Subscription', status: 'active', reason: 'r', criteria: 'Patient?', channel: { type: 'rest-hook' }, ...(channelType as Json),
    });
    assert.deepEqual(check(sub({})), []);
    assert.deepEqual(check({ ...sub({}), channel: { type: 'pigeon' } }), ['code-invalid Subscription.channel.type']);
  });

  it('checks MIME type syntax for mimetypes bindings', () => {
    const att = (contentType: string): Json => note({ content: [{ attachment: { contentType } }] });
    assert.deepEqual(check(att('text/plain; charset=utf-8')), []);
    assert.deepEqual(check(att('application/fhir+json')), []);
    assert.deepEqual(check(att('text')), ['code-invalid DocumentReference.content[0].attachment.contentType']);
    assert.deepEqual(check(att('text/plain;')), ['code-invalid DocumentReference.content[0].attachment.contentType']);
    assert.deepEqual(check({ resourceType: 'Binary', contentType: 'image/png' }), []);
  });

  it('requires a contentType with data (att-1)', () => {
    assert.deepEqual(check(note({ content: [{ attachment: { data: 'SGVsbG8=' } }] })), ['invariant DocumentReference.content[0].attachment.contentType']);
  });
});

describe('structure validator: narrative', () => {
  it('accepts an XHTML div', () => {
    assert.deepEqual(check(note(narrative(`<div ${XHTML}><p>Hello <b>world</b> &amp; co<br/></p></div>`))), []);
  });

  const bad: Array<[string, string, string]> = [
    ['not a div', '<p>hi</p>', 'value'],
    ['no namespace', '<div>hi</div>', 'value'],
    ['unbalanced', `<div ${XHTML}><p>hi</div>`, 'value'],
    ['script', `<div ${XHTML}><script>alert(1)</script></div>`, 'invariant'],
    ['event handler', `<div ${XHTML}><img src="x.png" onerror="alert(1)"/></div>`, 'invariant'],
    ['javascript: URL', `<div ${XHTML}><a href="javascript:alert(1)">x</a></div>`, 'invariant'],
  ];
  for (const [label, div, code] of bad) {
    it(`rejects ${label}`, () => assert.deepEqual(check(note(narrative(div))), [`${code} DocumentReference.text.div`]));
  }
});

describe('structure validator: robustness', () => {
  it('limits the number of issues', () => {
    const small = createStructureValidator(defs, { maxIssues: 3 });
    const issues = small.validate(note({ a: 1, b: 2, c: 3, d: 4, e: 5 }));
    assert.equal(issues.length, 4);
    assert.equal(issues[3]!.code, 'too-costly');
  });

  it('limits nesting depth', () => {
    let ext: Json = { url: 'http://x.org/e', valueString: 'x' };
    for (let i = 0; i < 100; i++) ext = { url: 'http://x.org/e', extension: [ext] };
    const issues = validator.validate(note({ extension: [ext] }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.code, 'structure');
  });

  it('returns fresh arrays and does not mutate the input', () => {
    const r = note({ foo: 1 });
    const copy = structuredClone(r);
    const a = validator.validate(r);
    const b = validator.validate(r);
    assert.notEqual(a, b);
    assert.deepEqual(r, copy);
  });
});
