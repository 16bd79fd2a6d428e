/**
 * Micro-benchmark of index extraction (not a test): µs per `extract` of a ~2 KB liaison note
 * carrying every DocumentReference search parameter's data.
 * Run: node --import tsx src/fhir/search/indexer-bench.ts
 */
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { createIndexer } from './indexer.js';

const note = {
  resourceType: 'DocumentReference',
  id: '04886b69-ef36-4584-819e-4590cd3888a4',
  meta: {
    versionId: '3',
    lastUpdated: '2024-05-02T09:12:44.123Z',
    source: 'urn:oid:1.2.250.1.999.1',
    profile: ['https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference'],
    tag: [{ system: 'http://example.org/tags', code: 'cdl' }],
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }],
  },
  extension: [{ url: 'https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-ext-is-emergency', valueBoolean: true }],
  masterIdentifier: { system: 'urn:oid:1.2.250.1.999.2', value: 'note-2024-000123' },
  identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:uuid:2f4d0b4e-0b8c-4f6a-9d1e-7f7b7d3e8a11' }],
  status: 'current',
  type: {
    coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote', code: 'OBS', display: "Note d'observation" }],
  },
  category: [{ coding: [{ system: 'http://example.org/category', code: 'soins', display: 'Soins à domicile' }] }],
  subject: { reference: 'Patient/0d920958-b596-4b91-af67-9bafc707820b', display: 'Michel ROUBINOWITZ' },
  date: '2024-05-02T08:30:00+02:00',
  author: [
    { reference: 'Practitioner/85652218-ea45-426f-916e-6ca5ea8dd5e1' },
    { reference: 'PractitionerRole/f380b0fd-23c2-415a-b367-53e707ef91e2', display: 'Mme Sophie Brooks (infirmier)' },
  ],
  description: 'Passage infirmier du matin : patient fatigué, refuse la sortie',
  securityLabel: [
    {
      coding: [
        {
          system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument',
          code: 'MASQUE_PT',
          display: 'Masqué aux personnes tierces',
        },
      ],
    },
  ],
  relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/5a1c7d22-1111-4c4c-9999-000000000001' } }],
  content: [
    {
      attachment: {
        contentType: 'text/plain',
        language: 'fr',
        url: 'Binary/7c9e6679-7425-40de-944b-e07fc1f90ae7',
        title: 'Observation du 2 mai',
        creation: '2024-05-02T08:29:00+02:00',
        size: 1024,
        hash: 'cXVpY2sgYnJvd24gZm94IGp1bXBz',
      },
      format: { system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode', code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient' },
    },
  ],
  context: {
    encounter: [{ reference: 'Encounter/enc-1' }],
    event: [{ coding: [{ system: 'http://example.org/event', code: 'visite' }] }],
    period: { start: '2024-05-02T08:00:00+02:00', end: '2024-05-02T08:30:00+02:00' },
    facilityType: { coding: [{ system: 'http://example.org/facility', code: 'domicile' }] },
    practiceSetting: { coding: [{ system: 'http://example.org/setting', code: 'soins-infirmiers' }] },
    related: [{ reference: 'Patient/0d920958-b596-4b91-af67-9bafc707820b' }],
  },
};

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const t0 = performance.now();
const indexer = createIndexer(defs, ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device']);
const compileMs = performance.now() - t0;
const params = indexer.paramsFor('DocumentReference');
const entries = indexer.extract(note);

for (let i = 0; i < 20_000; i++) indexer.extract(note); // warm-up
const rounds = 5;
const perRound = 100_000;
const results: number[] = [];
for (let r = 0; r < rounds; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) indexer.extract(note);
  results.push(Number(process.hrtime.bigint() - start) / 1000 / perRound);
}
results.sort((a, b) => a - b);

// the same through fhirpath.js only, for comparison
const slow = createIndexer(defs, ['DocumentReference'], { forceFhirpath: true });
for (let i = 0; i < 2_000; i++) slow.extract(note);
const slowStart = process.hrtime.bigint();
for (let i = 0; i < 10_000; i++) slow.extract(note);
const slowUs = Number(process.hrtime.bigint() - slowStart) / 1000 / 10_000;
console.log(`note size: ${JSON.stringify(note).length} bytes, ${params.length} indexed params, ${entries.length} entries`);
console.log(`indexer build (7 types): ${compileMs.toFixed(1)} ms`);
console.log(`extract: median ${results[Math.floor(rounds / 2)]!.toFixed(2)} µs, best ${results[0]!.toFixed(2)} µs`);
console.log(`extract with fhirpath.js only: ${slowUs.toFixed(1)} µs`);
