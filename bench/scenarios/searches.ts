/**
 * The IG's three example searches (spec digest §3, verbatim; the dataset holds their values) and
 * "the latest 20 notes of one patient" (rotating over the dataset's patients).
 */
import type { Dataset } from '../dataset/seed.js';
import { rotating, type Scenario, type ServerData } from './types.js';

/** Request-line safe: only `|` needs escaping in these queries. */
const q = (query: string) => query.replaceAll('|', '%7C');

export const IG_QUERIES = [
  '_include=*&patient.identifier=1234567890112345678901&author:Practitioner.identifier=80123456789',
  '_include=DocumentReference:subject&author:Practitioner.family=Dupont&author:Practitioner.given=Marie',
  '_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS',
];

const latest20 = (patientId: string) => `DocumentReference?patient=Patient/${patientId}&_sort=-date&_count=20&_include=*`;

function dataset(d: ServerData): Dataset {
  if (!d.dataset) throw new Error('search scenarios need the dataset');
  return d.dataset;
}

export const searchScenarios: Scenario[] = [
  ...IG_QUERIES.map((query, i): Scenario => ({
    name: `search-ig-${i + 1}`,
    title: `IG search ${i + 1}`,
    phase: 'search',
    prepare: (d) => ({ requests: [{ method: 'GET', path: `${d.basePath}/DocumentReference?${q(query)}` }], probe: `DocumentReference?${q(query)}` }),
  })),
  {
    name: 'search-latest20',
    title: 'latest 20 notes of a patient',
    phase: 'search',
    prepare: (d) => ({ requests: [rotating(d.basePath, dataset(d).patientIds, latest20)], probe: latest20(dataset(d).patientIds[0]!) }),
  },
];
