import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Issue } from '../errors.js';
import { CDL_PACKAGE, readFhirPackage } from '../validation/ig-package-fixtures.js';
import { cdlBundleProfileOf, validateCdlTransactionBundle, type CdlBundleOptions } from './cdl-bundles.js';

type Json = Record<string, unknown>;

const summary = (issues: Issue[]): string[] => issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`);
const check = (bundle: unknown, path?: string, options?: CdlBundleOptions): string[] =>
  summary(validateCdlTransactionBundle(bundle, path, options));

const entry = (resourceType: string, method = 'POST', extra: Json = {}): Json => ({
  fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(Math.abs(resourceType.length * 7919)).padStart(12, '0')}`,
  resource: { resourceType },
  request: { method, url: resourceType },
  ...extra,
});
const transaction = (...entries: Json[]): Json => ({ resourceType: 'Bundle', type: 'transaction', entry: entries });

describe('CdL note transactions', () => {
  it('accepts a creation and an update transaction with every actor slice', () => {
    const actors = ['Patient', 'Practitioner', 'Organization', 'RelatedPerson', 'Device', 'PractitionerRole', 'PractitionerRole'];
    const creation = transaction(entry('DocumentReference', 'POST'), ...actors.map((t, i) => entry(t, i % 2 ? 'PUT' : 'POST')));
    assert.deepEqual(check(creation), []);
    assert.equal(cdlBundleProfileOf(creation), 'cdl-bundle-creation-note');
    const update = transaction(entry('Patient', 'PUT'), entry('DocumentReference', 'PUT'));
    assert.deepEqual(check(update), []);
    assert.equal(cdlBundleProfileOf(update), 'cdl-bundle-maj-note');
  });

  it('does not apply to other bundles', () => {
    assert.deepEqual(check(transaction(entry('Patient'), entry('Patient'))), []);
    assert.deepEqual(check({ resourceType: 'Bundle', type: 'batch', entry: [entry('DocumentReference', 'DELETE')] }), []);
    assert.deepEqual(check({ resourceType: 'Patient' }), []);
    assert.equal(cdlBundleProfileOf(transaction(entry('Patient'))), undefined);
  });

  it('exactly one DocumentReference entry', () => {
    const issues = validateCdlTransactionBundle(transaction(entry('DocumentReference'), entry('Patient'), entry('DocumentReference'), entry('DocumentReference')));
    assert.deepEqual(summary(issues), ['value Bundle.entry[2],Bundle.entry[3]']);
    assert.match(issues[0]!.diagnostics, /exactly one DocumentReference entry.*found 3/);
  });

  it('the note entry method is POST (creation) or PUT (update)', () => {
    assert.deepEqual(check(transaction(entry('Patient'), entry('DocumentReference', 'DELETE'))), ['value Bundle.entry[1].request.method']);
    assert.deepEqual(check(transaction(entry('DocumentReference', 'PATCH')), 'Bundle'), ['value Bundle.entry[0].request.method']);
    assert.equal(cdlBundleProfileOf(transaction(entry('DocumentReference', 'PATCH'))), undefined);
  });

  it('actor entries: POST or PUT (req-met-1)', () => {
    assert.deepEqual(check(transaction(entry('DocumentReference'), entry('Patient'), entry('Practitioner', 'DELETE'), entry('PractitionerRole', 'GET'))), [
      'invariant Bundle.entry[2].request.method',
      'invariant Bundle.entry[3].request.method',
    ]);
  });

  it('actor slices: at most one of each, PractitionerRole unbounded', () => {
    for (const t of ['Patient', 'Practitioner', 'Organization', 'RelatedPerson', 'Device']) {
      assert.deepEqual(check(transaction(entry(t), entry('DocumentReference'), entry(t), entry(t))), ['value Bundle.entry[2]', 'value Bundle.entry[3]'], t);
    }
    assert.deepEqual(check(transaction(entry('DocumentReference'), entry('PractitionerRole'), entry('PractitionerRole'), entry('PractitionerRole'))), []);
  });

  it('every entry has a request and no response', () => {
    const noRequest = entry('Patient');
    delete noRequest.request;
    assert.deepEqual(check(transaction(entry('DocumentReference'), noRequest)), ['required Bundle.entry[1].request']);
    assert.deepEqual(check(transaction(entry('DocumentReference', 'POST', { response: { status: '201' } }))), ['value Bundle.entry[0].response']);
  });

  it('other entries: allowed by the open slicing, rejected on request', () => {
    const bundle = transaction(entry('DocumentReference'), entry('Observation'), { request: { method: 'DELETE', url: 'Patient/1' } });
    assert.deepEqual(check(bundle), []);
    assert.deepEqual(check(bundle, undefined, { rejectOtherEntries: true }), ['value Bundle.entry[1]', 'value Bundle.entry[2]']);
  });

  it('prefixes paths', () => {
    assert.deepEqual(check(transaction(entry('DocumentReference', 'GET')), 'Parameters.parameter[0].resource'), [
      'value Parameters.parameter[0].resource.entry[0].request.method',
    ]);
  });
});

describe('CdL note transactions: the IG example', () => {
  const pkg = readFhirPackage(CDL_PACKAGE);
  it('cdl-bundle-creation-note example matches', { skip: pkg ? false : `${CDL_PACKAGE} not available` }, () => {
    const bundle = pkg!.get('package/example/Bundle-cdl-bundle-creation-note.json');
    assert.ok(bundle);
    assert.deepEqual(check(bundle), []);
    assert.equal(cdlBundleProfileOf(bundle), 'cdl-bundle-creation-note');
  });

  it('the Bundle StructureDefinitions define the slices checked here', { skip: pkg ? false : `${CDL_PACKAGE} not available` }, () => {
    for (const [name, method] of [['cdl-bundle-creation-note', 'POST'], ['cdl-bundle-maj-note', 'PUT']] as const) {
      const sd = pkg!.get(`package/StructureDefinition-${name}.json`) as { differential: { element: Array<Json> } };
      const slices = new Map<string, string>();
      let noteMethod: unknown;
      for (const e of sd.differential.element) {
        if (e.path === 'Bundle.entry' && typeof e.sliceName === 'string') slices.set(e.sliceName, `${String(e.min)}..${String(e.max)}`);
        if (e.id === 'Bundle.entry:DocumentReference.request.method') noteMethod = e.patternCode;
      }
      assert.deepEqual(Object.fromEntries(slices), {
        DocumentReference: '1..1',
        Patient: '0..1',
        Practitioner: '0..1',
        PractitionerRole: '0..*',
        Organization: '0..1',
        RelatedPerson: '0..1',
        Device: '0..1',
      }, name);
      assert.equal(noteMethod, method, name);
      const slicing = sd.differential.element.find((e) => e.id === 'Bundle.entry')?.slicing as { rules: string };
      assert.equal(slicing.rules, 'open', name);
    }
  });
});
