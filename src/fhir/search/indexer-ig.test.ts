/**
 * Index extraction of the resources of the IG's example transaction Bundle (read from the
 * published package; skipped when the package is not there).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import type { IndexEntry } from './index-entry.js';
import { createIndexer } from './indexer.js';

const here = dirname(fileURLToPath(import.meta.url));
/** <repo>/src/fhir/search (or dist/src/fhir/search) → the shared packages folder next to the repo. */
function findPackage(): string | undefined {
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'fhir-packages', 'ans.fhir.fr.cdl-3.0.0.tgz');
    if (existsSync(candidate)) return candidate;
  }
  const fixed = '/work/shared/fhir-packages/ans.fhir.fr.cdl-3.0.0.tgz';
  return existsSync(fixed) ? fixed : undefined;
}

type R = { resourceType: string; id?: string } & Record<string, unknown>;

function loadExampleBundle(): { entry: Array<{ resource: R }> } | undefined {
  const pkg = findPackage();
  if (!pkg) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cdl-ig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const res = spawnSync('tar', ['-xzf', pkg, '-C', dir, 'package/example/Bundle-cdl-bundle-creation-note.json'], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  return JSON.parse(readFileSync(join(dir, 'package', 'example', 'Bundle-cdl-bundle-creation-note.json'), 'utf8')) as { entry: Array<{ resource: R }> };
}

const bundle = loadExampleBundle();
const skip = bundle ? false : 'IG package ans.fhir.fr.cdl-3.0.0.tgz not available';
const defs = loadDefinitions(defaultDefinitionsCacheDir());
const TYPES = ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device'];
const indexer = createIndexer(defs, TYPES);
const slow = createIndexer(defs, TYPES, { forceFhirpath: true });
const resource = (type: string): R => bundle!.entry.map((e) => e.resource).find((r) => r.resourceType === type)!;

const TYPE_NOTE = 'https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote';

test('IG example note (DocumentReference)', { skip }, () => {
  assert.deepEqual(indexer.extract(resource('DocumentReference')), [
    { kind: 'uri', param: '_profile', uri: 'https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference' },
    { kind: 'reference', param: 'patient', targetType: 'Patient', targetId: '0d920958-b596-4b91-af67-9bafc707820b', url: null },
    { kind: 'token', param: 'type', system: TYPE_NOTE, code: 'DEM-AVIS', text: "demande d'avis" },
    { kind: 'reference', param: 'author', targetType: 'Practitioner', targetId: '85652218-ea45-426f-916e-6ca5ea8dd5e1', url: null },
    { kind: 'reference', param: 'author', targetType: 'PractitionerRole', targetId: 'f380b0fd-23c2-415a-b367-53e707ef91e2', url: null },
    { kind: 'token', param: 'contenttype', system: null, code: 'text/plain' },
    // 2019-03-04T08:30:00+11:00
    { kind: 'date', param: 'date', start: Date.parse('2019-03-03T21:30:00.000Z'), end: Date.parse('2019-03-03T21:30:00.999Z') },
    { kind: 'token', param: 'language', system: null, code: 'fr' },
    { kind: 'token', param: 'status', system: null, code: 'current' },
    { kind: 'reference', param: 'subject', targetType: 'Patient', targetId: '0d920958-b596-4b91-af67-9bafc707820b', url: null },
  ] satisfies IndexEntry[]);
});

test('IG example actors (Patient, Practitioner, PractitionerRole)', { skip }, () => {
  const patient = indexer.extract(resource('Patient'));
  const pick = (param: string): IndexEntry[] => patient.filter((e) => e.param === param);
  assert.deepEqual(pick('identifier'), [{ kind: 'token', param: 'identifier', system: 'urn:oid:1.2.250.1.213.1.4.8', code: '123456789012244' }]);
  assert.deepEqual(pick('family'), [{ kind: 'string', param: 'family', norm: 'roubinowitz', exact: 'ROUBINOWITZ' }]);
  assert.deepEqual(pick('given'), [{ kind: 'string', param: 'given', norm: 'michel', exact: 'Michel' }]);
  assert.deepEqual(pick('birthdate'), [
    { kind: 'date', param: 'birthdate', start: Date.parse('1975-03-11T00:00:00.000Z'), end: Date.parse('1975-03-11T23:59:59.999Z') },
  ]);
  assert.deepEqual(pick('address-postalcode'), [{ kind: 'string', param: 'address-postalcode', norm: '75011', exact: '75011' }]);
  assert.deepEqual(pick('gender'), [{ kind: 'token', param: 'gender', system: null, code: 'male' }]);

  const practitioner = indexer.extract(resource('Practitioner'));
  assert.deepEqual(
    practitioner.filter((e) => e.param === 'name'),
    [
      { kind: 'string', param: 'name', norm: 'brooks', exact: 'Brooks' },
      { kind: 'string', param: 'name', norm: 'sophie', exact: 'Sophie' },
      { kind: 'string', param: 'name', norm: 'mme', exact: 'MME' },
    ],
  );
  const role = indexer.extract(resource('PractitionerRole'));
  assert.deepEqual(
    role.filter((e) => e.param === 'practitioner' || e.param === 'role'),
    [
      { kind: 'reference', param: 'practitioner', targetType: 'Practitioner', targetId: '85652218-ea45-426f-916e-6ca5ea8dd5e1', url: null },
      {
        kind: 'token',
        param: 'role',
        system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
        code: '60',
        text: 'infirmier',
      },
    ],
  );
});

test('IG example: compiled accessors agree with fhirpath.js', { skip }, () => {
  const key = (es: IndexEntry[]): string[] => es.map((e) => JSON.stringify(e)).sort();
  for (const { resource: r } of bundle!.entry) assert.deepEqual(key(indexer.extract(r)), key(slow.extract(r)), r.resourceType);
});
