import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { FhirError } from '../errors.js';
import { typeNote, visibilityStatus } from '../terminology.js';
import { parseSearch, type ParseSearchOptions } from './parse-search.js';
import type { SearchFilter, SearchRequest } from './search-request.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const NOW = Date.parse('2024-01-01T00:00:00.000Z');
const OPTIONS: ParseSearchOptions = {
  lenient: false,
  maxCount: 100,
  defaultCount: 20,
  exposedTypes: ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Binary'],
  baseUrl: 'https://cdl.example.fr/fhir',
  now: NOW,
};
const ms = (iso: string): number => Date.parse(iso);

/** Parses a query string exactly as an HTTP layer would decode it. */
function parse(query: string, type = 'DocumentReference', options: Partial<ParseSearchOptions> = {}): SearchRequest {
  return parseSearch(defs, type, [...new URLSearchParams(query)], { ...OPTIONS, ...options });
}
const filters = (query: string, type = 'DocumentReference', options: Partial<ParseSearchOptions> = {}): SearchFilter[] => parse(query, type, options).filters;
const only = (query: string, type = 'DocumentReference', options: Partial<ParseSearchOptions> = {}): SearchFilter => {
  const fs = filters(query, type, options);
  assert.equal(fs.length, 1);
  return fs[0]!;
};

/** Asserts a 400 whose message names `param` (and matches `detail` when given). */
function assert400(query: string, param: string, detail?: RegExp, type = 'DocumentReference'): void {
  assert.throws(
    () => parse(query, type),
    (e: unknown) => {
      assert.ok(e instanceof FhirError, String(e));
      assert.equal(e.status, 400);
      assert.ok(e.message.includes(`'${param}`), `message '${e.message}' should name '${param}'`);
      if (detail) assert.match(e.message, detail);
      return true;
    },
  );
}

const DEFAULTS = { resourceType: 'DocumentReference', count: 20, sort: [], include: [], revinclude: [], ignored: [] };

test('IG example query 1: _include=* & patient.identifier & author:Practitioner.identifier', () => {
  assert.deepEqual(parse('_include=*&patient.identifier=1234567890112345678901&author:Practitioner.identifier=80123456789'), {
    ...DEFAULTS,
    filters: [
      {
        kind: 'chain',
        param: 'patient',
        targets: [{ type: 'Patient', filter: { kind: 'token', param: 'identifier', negate: false, values: [{ match: 'code', code: '1234567890112345678901' }] } }],
      },
      {
        kind: 'chain',
        param: 'author',
        targets: [{ type: 'Practitioner', filter: { kind: 'token', param: 'identifier', negate: false, values: [{ match: 'code', code: '80123456789' }] } }],
      },
    ],
    include: [{ sourceType: 'DocumentReference', param: '*', targetType: null, iterate: false }],
  } satisfies SearchRequest);
});

test('IG example query 2: _include=DocumentReference:subject & author:Practitioner.family & .given', () => {
  assert.deepEqual(parse('_include=DocumentReference:subject&author:Practitioner.family=Dupont&author:Practitioner.given=Marie'), {
    ...DEFAULTS,
    filters: [
      { kind: 'chain', param: 'author', targets: [{ type: 'Practitioner', filter: { kind: 'string', param: 'family', match: 'starts-with', values: ['dupont'] } }] },
      { kind: 'chain', param: 'author', targets: [{ type: 'Practitioner', filter: { kind: 'string', param: 'given', match: 'starts-with', values: ['marie'] } }] },
    ],
    include: [{ sourceType: 'DocumentReference', param: 'subject', targetType: null, iterate: false }],
  } satisfies SearchRequest);
});

test('IG example query 3: date=ge2013-03-16 & type=<value set OID>|OBS', () => {
  assert.deepEqual(parse('_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS'), {
    ...DEFAULTS,
    filters: [
      { kind: 'date', param: 'date', values: [{ prefix: 'ge', start: ms('2013-03-16T00:00:00.000Z'), end: ms('2013-03-16T23:59:59.999Z') }] },
      // the value set OID is read as the TRE_R234-TypeNote code system
      { kind: 'token', param: 'type', negate: false, values: [{ match: 'system-code', system: typeNote.url, code: 'OBS' }] },
    ],
    include: [{ sourceType: 'DocumentReference', param: '*', targetType: null, iterate: false }],
  } satisfies SearchRequest);
});

test('token forms, OR, AND, escapes and modifiers', () => {
  assert.deepEqual(only('type=OBS'), { kind: 'token', param: 'type', negate: false, values: [{ match: 'code', code: 'OBS' }] });
  assert.deepEqual(only(`type=${encodeURIComponent(`${typeNote.url}|OBS`)}`), {
    kind: 'token',
    param: 'type',
    negate: false,
    values: [{ match: 'system-code', system: typeNote.url, code: 'OBS' }],
  });
  // a code system's OID is an alias of its canonical URL
  assert.deepEqual(only(`type=urn:oid:${typeNote.oid}|OBS`), {
    kind: 'token',
    param: 'type',
    negate: false,
    values: [{ match: 'system-code', system: typeNote.url, code: 'OBS' }],
  });
  assert.deepEqual(only('type=|OBS'), { kind: 'token', param: 'type', negate: false, values: [{ match: 'no-system', code: 'OBS' }] });
  assert.deepEqual(only(`security-label=urn:oid:${visibilityStatus.oid}|`), {
    kind: 'token',
    param: 'security-label',
    negate: false,
    values: [{ match: 'system', system: visibilityStatus.url }],
  });
  assert.deepEqual(only('type=OBS,GEN'), { kind: 'token', param: 'type', negate: false, values: [{ match: 'code', code: 'OBS' }, { match: 'code', code: 'GEN' }] });
  assert.deepEqual(filters('status=current&status=superseded').length, 2);
  assert.deepEqual(only(String.raw`identifier=a\,b,c\|d`), {
    kind: 'token',
    param: 'identifier',
    negate: false,
    values: [{ match: 'code', code: 'a,b' }, { match: 'code', code: 'c|d' }],
  });
  assert.deepEqual(only('status:not=entered-in-error'), { kind: 'token', param: 'status', negate: true, values: [{ match: 'code', code: 'entered-in-error' }] });
  assert.deepEqual(only("type:text=Note d'Observation"), { kind: 'token-text', param: 'type', values: ["note d'observation"] });
  assert.deepEqual(only('security-label:missing=true'), { kind: 'missing', param: 'security-label', paramType: 'token', missing: true });
  assert.deepEqual(only('identifier:of-type=https://hl7.fr/cs|INS-NIR|123', 'Patient'), {
    kind: 'token',
    param: 'identifier:of-type',
    negate: false,
    values: [{ match: 'system-code', system: 'https://hl7.fr/cs', code: 'INS-NIR|123' }],
  });
  assert.deepEqual(only('_tag=http://t|a'), { kind: 'token', param: '_tag', negate: false, values: [{ match: 'system-code', system: 'http://t', code: 'a' }] });
  assert.deepEqual(only('_security=N'), { kind: 'token', param: '_security', negate: false, values: [{ match: 'code', code: 'N' }] });
  assert400('type=a|b|c', 'type', /Invalid token/);
  assert400('type=|', 'type', /empty system and code/);
  assert400('type:exact=OBS', 'type:exact', /not valid for token/);
  assert400('type:in=http://vs', 'type:in', /not supported/);
  assert400('identifier:of-type=a|b', 'identifier:of-type', /typeSystem\|typeCode\|value/, 'Patient');
  assert400('status:missing=yes', 'status:missing', /true or false/);
});

test('string values: folded by default, :exact, :contains', () => {
  assert.deepEqual(only('family=Lefèvre', 'Patient'), { kind: 'string', param: 'family', match: 'starts-with', values: ['lefevre'] });
  assert.deepEqual(only('family:exact=Lefèvre', 'Patient'), { kind: 'string', param: 'family', match: 'exact', values: ['Lefèvre'] });
  assert.deepEqual(only('name:contains=HÉLÈ,bert', 'Patient'), { kind: 'string', param: 'name', match: 'contains', values: ['hele', 'bert'] });
  assert.deepEqual(only('name:missing=false', 'Patient'), { kind: 'missing', param: 'name', paramType: 'string', missing: false });
  assert400('family:below=x', 'family:below', /not valid for string/, 'Patient');
});

test('date values: every prefix, precisions and time zones', () => {
  const day = { start: ms('2013-03-16T00:00:00.000Z'), end: ms('2013-03-16T23:59:59.999Z') };
  for (const prefix of ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb'] as const) {
    assert.deepEqual(only(`date=${prefix}2013-03-16`), { kind: 'date', param: 'date', values: [{ prefix, ...day }] });
  }
  assert.deepEqual(only('date=2013-03-16'), { kind: 'date', param: 'date', values: [{ prefix: 'eq', ...day }] });
  const margin = Math.round((NOW - day.start) * 0.1);
  assert.deepEqual(only('date=ap2013-03-16'), { kind: 'date', param: 'date', values: [{ prefix: 'ap', start: day.start - margin, end: day.end + margin }] });
  assert.deepEqual(only('date=lt2013'), { kind: 'date', param: 'date', values: [{ prefix: 'lt', start: ms('2013-01-01T00:00:00.000Z'), end: ms('2013-12-31T23:59:59.999Z') }] });
  // '+' must be percent-encoded in a query string; a raw '+' decoded as a space is accepted too
  for (const q of ['date=ge2013-03-16T10:00:00%2B01:00', 'date=ge2013-03-16T10:00:00+01:00']) {
    assert.deepEqual(only(q), { kind: 'date', param: 'date', values: [{ prefix: 'ge', start: ms('2013-03-16T09:00:00.000Z'), end: ms('2013-03-16T09:00:00.999Z') }] });
  }
  assert.deepEqual(only('date=ge2024-01-01T10:00Z,lt2013'), {
    kind: 'date',
    param: 'date',
    values: [
      { prefix: 'ge', start: ms('2024-01-01T10:00:00.000Z'), end: ms('2024-01-01T10:00:59.999Z') },
      { prefix: 'lt', start: ms('2013-01-01T00:00:00.000Z'), end: ms('2013-12-31T23:59:59.999Z') },
    ],
  });
  assert.deepEqual(only('_lastUpdated=gt2024-05-02T08:30:00.250Z'), {
    kind: 'lastUpdated',
    values: [{ prefix: 'gt', start: ms('2024-05-02T08:30:00.250Z'), end: ms('2024-05-02T08:30:00.250Z') }],
  });
  assert400('date=2013-02-30', 'date', /Invalid date/);
  assert400('date=xx2013-03-16', 'date', /Unknown prefix 'xx'/);
  assert400('date=16/03/2013', 'date', /Invalid date/);
  assert400('date:exact=2013', 'date:exact', /not valid for date/);
  assert400('_lastUpdated=yesterday', '_lastUpdated', /Invalid date/);
});

test('number and quantity values', () => {
  const opts = { exposedTypes: [...OPTIONS.exposedTypes, 'RiskAssessment', 'Observation'] };
  assert.deepEqual(only('probability=gt0.5', 'RiskAssessment', opts), { kind: 'number', param: 'probability', values: [{ prefix: 'gt', value: 0.5, low: 0.45, high: 0.55 }] });
  assert.deepEqual(only('probability=100', 'RiskAssessment', opts), { kind: 'number', param: 'probability', values: [{ prefix: 'eq', value: 100, low: 99.5, high: 100.5 }] });
  assert.deepEqual(only('value-quantity=le5.4|http://unitsofmeasure.org|mg', 'Observation', opts), {
    kind: 'quantity',
    param: 'value-quantity',
    values: [{ prefix: 'le', value: 5.4, low: 5.35, high: 5.45, system: 'http://unitsofmeasure.org', code: 'mg' }],
  });
  assert.deepEqual(only('value-quantity=5.4||mg', 'Observation', opts), {
    kind: 'quantity',
    param: 'value-quantity',
    values: [{ prefix: 'eq', value: 5.4, low: 5.35, high: 5.45, system: null, code: 'mg' }],
  });
  assert.deepEqual(only('value-quantity=1e2', 'Observation', opts), {
    kind: 'quantity',
    param: 'value-quantity',
    values: [{ prefix: 'eq', value: 100, low: 50, high: 150, system: null, code: null }],
  });
  assert.throws(() => parse('probability=abc', 'RiskAssessment', opts), (e: unknown) => e instanceof FhirError && e.status === 400 && e.message.includes("'probability'"));
  assert.throws(() => parse('value-quantity=5|mg', 'Observation', opts), (e: unknown) => e instanceof FhirError && e.status === 400 && e.message.includes("'value-quantity'"));
});

test('uri values: exact, :below, :above', () => {
  assert.deepEqual(only('_profile=https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference'), {
    kind: 'uri',
    param: '_profile',
    match: 'exact',
    values: ['https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference'],
  });
  assert.deepEqual(only('_profile:below=https://interop.esante.gouv.fr/ig/fhir/cdl'), { kind: 'uri', param: '_profile', match: 'below', values: ['https://interop.esante.gouv.fr/ig/fhir/cdl'] });
  assert.deepEqual(only('location:above=https://x.example/a/b'), { kind: 'uri', param: 'location', match: 'above', values: ['https://x.example/a/b'] });
  assert400('_profile:exact=x', '_profile:exact', /not valid for uri/);
});

test('reference values: Type/id, bare id, :Type, absolute URL, :identifier, :missing', () => {
  assert.deepEqual(only('subject=Patient/123'), { kind: 'reference', param: 'subject', values: [{ match: 'local', targetType: 'Patient', id: '123' }] });
  assert.deepEqual(only('subject=Patient/123/_history/4'), { kind: 'reference', param: 'subject', values: [{ match: 'local', targetType: 'Patient', id: '123' }] });
  // subject may refer to 4 types: a bare id names none of them
  assert.deepEqual(only('subject=123'), { kind: 'reference', param: 'subject', values: [{ match: 'local', targetType: null, id: '123' }] });
  assert.deepEqual(only('patient=123'), { kind: 'reference', param: 'patient', values: [{ match: 'local', targetType: 'Patient', id: '123' }] });
  assert.deepEqual(only('subject:Patient=123'), { kind: 'reference', param: 'subject', values: [{ match: 'local', targetType: 'Patient', id: '123' }] });
  assert.deepEqual(only('subject=https://cdl.example.fr/fhir/Patient/123'), { kind: 'reference', param: 'subject', values: [{ match: 'local', targetType: 'Patient', id: '123' }] });
  assert.deepEqual(only('subject=https://other.example/fhir/Patient/123'), { kind: 'reference', param: 'subject', values: [{ match: 'url', url: 'https://other.example/fhir/Patient/123' }] });
  assert.deepEqual(only('author=urn:uuid:0d920958-b596-4b91-af67-9bafc707820b'), {
    kind: 'reference',
    param: 'author',
    values: [{ match: 'url', url: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b' }],
  });
  assert.deepEqual(only('author:identifier=urn:oid:1.2.250.1.71.4.2.1|80123456789'), {
    kind: 'token',
    param: 'author:identifier',
    negate: false,
    values: [{ match: 'system-code', system: 'urn:oid:1.2.250.1.71.4.2.1', code: '80123456789' }],
  });
  assert.deepEqual(only('subject:missing=true'), { kind: 'missing', param: 'subject', paramType: 'reference', missing: true });
  assert400('subject=Observation/1', 'subject', /cannot refer to a Observation/);
  assert400('subject:Patient=Device/1', 'subject:Patient', /does not match the modifier/);
  assert400('subject:Organization=1', 'subject', /cannot refer to a Organization/);
  assert400('subject:bogus=1', 'subject:bogus', /not valid for reference/);
  assert400('subject=not a reference!', 'subject', /Invalid reference/);
});

test('chains: explicit type, unique target, every target with the parameter, two links', () => {
  assert.deepEqual(only('subject:Patient.identifier=urn:oid:1.2.250.1.213.1.4.8|1234567890123'), {
    kind: 'chain',
    param: 'subject',
    targets: [
      {
        type: 'Patient',
        filter: { kind: 'token', param: 'identifier', negate: false, values: [{ match: 'system-code', system: 'urn:oid:1.2.250.1.213.1.4.8', code: '1234567890123' }] },
      },
    ],
  });
  // subject → Practitioner | Group | Device | Patient; Group is not exposed
  const token = { kind: 'token', param: 'identifier', negate: false, values: [{ match: 'code', code: 'x' }] } as const;
  assert.deepEqual(only('subject.identifier=x'), {
    kind: 'chain',
    param: 'subject',
    targets: [
      { type: 'Practitioner', filter: token },
      { type: 'Device', filter: token },
      { type: 'Patient', filter: token },
    ],
  });
  // author targets that have a 'family' parameter
  assert.deepEqual(only('author.family=Lefèvre'), {
    kind: 'chain',
    param: 'author',
    targets: [
      { type: 'Practitioner', filter: { kind: 'string', param: 'family', match: 'starts-with', values: ['lefevre'] } },
      { type: 'Patient', filter: { kind: 'string', param: 'family', match: 'starts-with', values: ['lefevre'] } },
    ],
  });
  assert.deepEqual(only('author:PractitionerRole.practitioner.identifier=80123456789'), {
    kind: 'chain',
    param: 'author',
    targets: [
      {
        type: 'PractitionerRole',
        filter: {
          kind: 'chain',
          param: 'practitioner',
          targets: [{ type: 'Practitioner', filter: { kind: 'token', param: 'identifier', negate: false, values: [{ match: 'code', code: '80123456789' }] } }],
        },
      },
    ],
  });
  assert.deepEqual(only('author:Practitioner.name:exact=Dupont'), {
    kind: 'chain',
    param: 'author',
    targets: [{ type: 'Practitioner', filter: { kind: 'string', param: 'name', match: 'exact', values: ['Dupont'] } }],
  });
  assert.deepEqual(only('author:RelatedPerson._id=rp1'), { kind: 'chain', param: 'author', targets: [{ type: 'RelatedPerson', filter: { kind: 'id', values: ['rp1'] } }] });
  assert400('author:PractitionerRole.organization.partof.partof.name=x', 'author:PractitionerRole.organization.partof.partof.name', /more than 3 links/);
  assert400('type.identifier=x', 'type', /not a reference parameter/);
  assert400('author.bogus=x', 'author.bogus', /No target type of 'author' has a search parameter 'bogus'/);
  assert400('author:Practitioner.bogus=x', 'author:Practitioner.bogus', /Unknown search parameter/);
  assert400('subject:Group.name=x', 'subject:Group.name', /not supported by this server/);
  assert400('author:Observation.code=x', 'author', /cannot refer to a Observation/);
});

test('_id and unknown or unsupported parameters', () => {
  assert.deepEqual(only('_id=a1,b-2'), { kind: 'id', values: ['a1', 'b-2'] });
  assert400('_id=bad id', '_id', /Invalid id/);
  assert400('_id:not=x', '_id', /not valid/);
  assert400('foo=bar', 'foo', /Unknown search parameter 'foo' for DocumentReference/);
  assert400('_text=fatigue', '_text', /not supported/);
  assert400('_has:Provenance:target:agent=x', '_has:Provenance:target:agent', /not supported/);
  assert400('relationship=x', 'relationship', /composite/);
  assert.throws(() => parse('x=1', 'Observation'), (e: unknown) => e instanceof FhirError && e.status === 404);
});

test('result parameters', () => {
  const r = parse(
    '_count=500&_sort=-date,_lastUpdated,type,_id&_total=accurate&_summary=data&_elements=subject,DocumentReference.date,content&_cursor=abc.def&_format=json&_pretty=true',
  );
  assert.deepEqual(
    { ...r },
    {
      ...DEFAULTS,
      filters: [],
      count: 100,
      sort: [
        { param: 'date', type: 'date', descending: true },
        { param: '_lastUpdated', type: 'date', descending: false },
        { param: 'type', type: 'token', descending: false },
        { param: '_id', type: 'token', descending: false },
      ],
      total: 'accurate',
      summary: 'data',
      elements: ['subject', 'date', 'content'],
      cursor: 'abc.def',
    },
  );
  assert.equal(parse('_count=0').count, 0);
  assert.equal(parse('_count=7').count, 7);
  assert.equal(parse('').count, 20);
  assert400('_count=-1', '_count', /non-negative integer/);
  assert400('_count=ten', '_count', /non-negative integer/);
  assert400('_count=5&_count=6', '_count', /more than once/);
  assert400('_sort=subject', '_sort', /Cannot sort by reference parameter 'subject'/);
  assert400('_sort=bogus', '_sort', /Unknown sort parameter 'bogus'/);
  assert400('_total=all', '_total');
  assert400('_summary=yes', '_summary');
  assert400('_elements=bogus', '_elements', /Unknown element 'bogus'/);
  assert400('_count:x=1', '_count', /Modifier ':x'/);
});

test('_include and _revinclude', () => {
  const r = parse(
    '_include=DocumentReference:author&_include=DocumentReference:author:Practitioner&_include:iterate=PractitionerRole:practitioner&_include:iterate=*&_revinclude=DocumentReference:relatesto&_include=DocumentReference:author',
  );
  assert.deepEqual(r.include, [
    { sourceType: 'DocumentReference', param: 'author', targetType: null, iterate: false },
    { sourceType: 'DocumentReference', param: 'author', targetType: 'Practitioner', iterate: false },
    { sourceType: 'PractitionerRole', param: 'practitioner', targetType: null, iterate: true },
    { sourceType: '*', param: '*', targetType: null, iterate: true },
  ]);
  assert.deepEqual(r.revinclude, [{ sourceType: 'DocumentReference', param: 'relatesto', targetType: null, iterate: false }]);
  assert.deepEqual(parse('_revinclude=DocumentReference:subject', 'Patient').revinclude, [
    { sourceType: 'DocumentReference', param: 'subject', targetType: null, iterate: false },
  ]);
  assert.deepEqual(parse('_include=DocumentReference:*').include, [{ sourceType: 'DocumentReference', param: '*', targetType: null, iterate: false }]);
  // reverse wildcards: one spec per reference parameter that can refer to the searched type
  const rev = (q: string, type: string) => parse(q, type).revinclude.map((x) => `${x.sourceType}:${x.param}${x.iterate ? '+' : ''}`);
  assert.deepEqual(rev('_revinclude=DocumentReference:*', 'Patient').sort(), ['DocumentReference:author', 'DocumentReference:patient', 'DocumentReference:related', 'DocumentReference:subject']);
  assert.ok(rev('_revinclude=DocumentReference:*', 'DocumentReference').includes('DocumentReference:relatesto'));
  assert.ok(!rev('_revinclude=DocumentReference:*', 'DocumentReference').includes('DocumentReference:subject'));
  const all = rev('_revinclude=*', 'Patient');
  for (const x of ['DocumentReference:subject', 'RelatedPerson:patient']) assert.ok(all.includes(x), x);
  assert.ok(all.every((x) => !x.startsWith('CareTeam:')), 'types the server does not expose are left out');
  assert.ok(!all.includes('PractitionerRole:practitioner'));
  assert.ok(rev('_revinclude:iterate=*', 'Patient').includes('PractitionerRole:practitioner+'));
  assert400('_include=Patient:organization', '_include', /source type must be DocumentReference/);
  assert400('_include=DocumentReference:type', '_include', /not a reference parameter/);
  assert400('_include=DocumentReference:subject:Observation', '_include', /cannot refer to a Observation/);
  assert400('_include=subject', '_include', /expected Type:parameter/);
  assert400('_revinclude=DocumentReference:relatesto', '_revinclude', /cannot refer to a Patient/, 'Patient');
  assert400('_include:bogus=*', '_include', /Modifier ':bogus'/);
});

test('lenient mode drops bad parameters and reports them; empty values are ignored', () => {
  const r = parse('foo=1&date=bad&type=OBS&_count=x&status:bogus=a&subject=', 'DocumentReference', { lenient: true });
  assert.deepEqual(r.filters, [{ kind: 'token', param: 'type', negate: false, values: [{ match: 'code', code: 'OBS' }] }]);
  assert.equal(r.count, 20);
  assert.deepEqual(
    r.ignored.map((i) => i.name),
    ['foo', 'date', '_count', 'status:bogus', 'subject'],
  );
  assert.match(r.ignored[0]!.reason, /Unknown search parameter 'foo'/);
  assert.match(r.ignored[1]!.reason, /Invalid date 'bad' for parameter 'date'/);
  assert.deepEqual(r.ignored[4], { name: 'subject', value: '', reason: 'empty value' });
  // strict mode also ignores an empty value
  assert.deepEqual(parse('subject=&type=OBS').ignored, [{ name: 'subject', value: '', reason: 'empty value' }]);
});
