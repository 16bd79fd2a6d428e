import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import type { Issue } from '../errors.js';
import { extensions, typeNote } from '../terminology.js';
import { CDL_PACKAGE, readFhirPackage } from './ig-package-fixtures.js';
import { createStructureValidator, createValidator } from './index.js';

type Json = Record<string, unknown>;

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const validator = createValidator(defs, { cdlProfile: true });
const baseOnly = createValidator(defs, { cdlProfile: false });
const structure = createStructureValidator(defs);

const summary = (issues: Issue[]): string[] => issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`);

const note = (extra: Json = {}): Json => ({
  resourceType: 'DocumentReference',
  status: 'current',
  type: { coding: [{ system: typeNote.url, code: 'GEN' }] },
  subject: { reference: 'Patient/p1' },
  author: [{ reference: 'Practitioner/a1' }],
  content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }],
  ...extra,
});

describe('createValidator', () => {
  it('runs structure and CdL rules on DocumentReference', () => {
    assert.deepEqual(summary(validator.validate(note())), []);
    assert.deepEqual(summary(validator.validate(note({ custodian: { reference: 'Organization/o' }, foo: 1 }))), [
      'structure DocumentReference.foo',
      'value DocumentReference.custodian',
    ]);
    assert.deepEqual(summary(baseOnly.validate(note({ custodian: { reference: 'Organization/o' } }))), []);
  });

  it('reports an issue found by both layers once', () => {
    assert.deepEqual(summary(validator.validate(note({ status: 'draft' }))), ['code-invalid DocumentReference.status']);
    const missing = note();
    delete missing.status;
    delete missing.content;
    assert.deepEqual(summary(validator.validate(missing)), ['required DocumentReference.status', 'required DocumentReference.content']);
  });

  it('reports both a base and a CdL problem of the is-emergency extension', () => {
    assert.deepEqual(summary(validator.validate(note({ extension: [{ url: extensions.isEmergency, valueBoolean: 'yes' }] }))), [
      'structure DocumentReference.extension[0].valueBoolean',
    ]);
    assert.deepEqual(summary(validator.validate(note({ extension: [{ url: extensions.isEmergency, valueString: 'yes' }] }))), [
      'required DocumentReference.extension[0].valueBoolean',
      'structure DocumentReference.extension[0].valueString',
    ]);
  });

  it('applies the transaction profiles and the note rules inside a transaction', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { resource: note({ subject: { reference: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b' }, docStatus: 'final' }), request: { method: 'PATCH', url: 'DocumentReference/1' } },
      ],
    };
    assert.deepEqual(summary(validator.validate(bundle)), [
      'value Bundle.entry[1].request.method',
      'value Bundle.entry[1].resource.docStatus',
    ]);
  });

  it('splits the issues by layer', () => {
    const layers = validator.validateLayers(note({ status: 'draft', docStatus: 'final', foo: 1 }), 'Bundle.entry[0].resource');
    assert.deepEqual(summary(layers.structural), ['code-invalid Bundle.entry[0].resource.status', 'structure Bundle.entry[0].resource.foo']);
    assert.deepEqual(summary(layers.profile), ['value Bundle.entry[0].resource.docStatus']);
    assert.deepEqual(baseOnly.validateLayers(note({ docStatus: 'final' })), { structural: [], profile: [] });
  });

  it('validates the note transaction rules alone', () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: note({ foo: 1 }), request: { method: 'DELETE', url: 'DocumentReference/1' } }] };
    assert.deepEqual(summary(validator.validateTransaction(bundle)), ['value Bundle.entry[0].request.method']);
    assert.deepEqual(baseOnly.validateTransaction(bundle), []);
  });

  it('honours a path prefix', () => {
    assert.deepEqual(summary(validator.validate(note({ docStatus: 'final' }), 'Bundle.entry[4].resource')), ['value Bundle.entry[4].resource.docStatus']);
  });
});

describe('the IG package examples', () => {
  const pkg = readFhirPackage(CDL_PACKAGE);
  const skip = pkg ? false : `${CDL_PACKAGE} not available`;
  const example = (): Json => pkg!.get('package/example/Bundle-cdl-bundle-creation-note.json') as Json;
  const entries = (): Json[] => (example().entry as Json[]).map((e) => e.resource as Json);

  it('the example note validates clean (structure + CdL)', { skip }, () => {
    const note = entries().find((r) => r.resourceType === 'DocumentReference');
    assert.ok(note);
    assert.deepEqual(validator.validate(note), []);
  });

  it('every actor of the example transaction validates clean against base R4', { skip }, () => {
    const actors = entries().filter((r) => r.resourceType !== 'DocumentReference');
    assert.deepEqual(actors.map((r) => r.resourceType).sort(), ['Patient', 'Practitioner', 'PractitionerRole']);
    for (const r of actors) assert.deepEqual(structure.validate(r), [], String(r.resourceType));
  });

  it('the example transaction validates clean as a whole, entry paths included', { skip }, () => {
    assert.deepEqual(validator.validate(example()), []);
  });

  it('every conformance resource and example of the package validates clean against base R4', { skip }, () => {
    let count = 0;
    for (const [path, r] of pkg!) {
      // package/other/ holds the IG publisher's own reports (e.g. OperationOutcomes without issue).
      if (!/^package\/(example\/)?[^/]+\.json$/.test(path)) continue;
      if (typeof r !== 'object' || r === null || typeof (r as Json).resourceType !== 'string') continue;
      count++;
      assert.deepEqual(summary(structure.validate(r)), [], path);
    }
    assert.ok(count >= 10, `${count} resources`);
  });

  it('the FR Core Patient example with its extensions validates clean', { skip }, () => {
    const patient = [...pkg!.entries()].find(([path]) => path.startsWith('package/example/Patient-'))?.[1];
    assert.ok(patient);
    assert.deepEqual(structure.validate(patient), []);
  });
});

describe('the Annuaire Santé package examples', () => {
  const name = 'ans.fhir.fr.annuaire-1.2.0-snapshot-2.tgz';
  const pkg = readFhirPackage(name);
  it('every conformance resource and example (Practitioner, PractitionerRole, Organization...) validates clean', { skip: pkg ? false : `${name} not available` }, () => {
    const types = new Set<string>();
    for (const [path, r] of pkg!) {
      if (!/^package\/(example\/)?[^/]+\.json$/.test(path)) continue;
      if (typeof r !== 'object' || r === null || typeof (r as Json).resourceType !== 'string') continue;
      types.add((r as Json).resourceType as string);
      assert.deepEqual(summary(structure.validate(r)), [], path);
    }
    for (const t of ['Practitioner', 'PractitionerRole', 'Organization']) assert.ok(types.has(t), t);
  });
});
