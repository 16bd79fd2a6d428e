/**
 * Loads the dataset into a server through its FHIR HTTP API: batch Bundles of 50 entries, 32 in
 * flight (the same requests for both servers). Not transactions: the CdL profile allows one note
 * per transaction Bundle. Concurrent batches let our group commit share each fsync.
 */
import { fhirOk } from '../http.js';
import { datasetNote, datasetPatient, datasetPractitioner, DATASET_PRACTITIONERS, type Json } from './resources.js';

const ENTRIES_PER_BUNDLE = 50;
const CONCURRENT_BUNDLES = 32;
/** How many note ids to keep for the read and update scenarios. */
const KEPT_NOTE_IDS = 2000;

export interface Dataset {
  patientIds: string[];
  practitionerIds: string[];
  /** A sample of loaded note ids (the first ones). */
  noteIds: string[];
  /** Notes loaded so far. */
  notes: number;
}

function idOf(entry: Json | undefined): string {
  const resource = entry?.resource as Json | undefined;
  if (typeof resource?.id === 'string') return resource.id;
  const location = String((entry?.response as Json | undefined)?.location ?? '');
  const m = /([A-Za-z]+)\/([^/]+)(\/_history\/[^/]+)?$/.exec(location);
  if (!m) throw new Error(`cannot find the id of a created resource in ${JSON.stringify(entry).slice(0, 300)}`);
  return m[2]!;
}

async function postBatch(base: string, headers: Record<string, string>, resources: Json[]): Promise<string[]> {
  const bundle = {
    resourceType: 'Bundle',
    type: 'batch',
    entry: resources.map((resource) => ({ resource, request: { method: 'POST', url: String(resource.resourceType) } })),
  };
  const r = await fhirOk(base, 'POST', '/', bundle, headers);
  const entries = (r.body as Json).entry as Json[] | undefined;
  if (!entries || entries.length !== resources.length) throw new Error(`batch answered ${entries?.length ?? 0} entries for ${resources.length}`);
  const failed = entries.find((e) => !String((e.response as Json | undefined)?.status ?? '').startsWith('201'));
  if (failed) throw new Error(`a batch entry was not created: ${JSON.stringify(failed.response).slice(0, 500)}`);
  return entries.map(idOf);
}

async function inBundles(base: string, headers: Record<string, string>, count: number, make: (i: number) => Json, onIds: (first: number, ids: string[]) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const first = next;
      const n = Math.min(ENTRIES_PER_BUNDLE, count - first);
      next += n;
      const resources = Array.from({ length: n }, (_, k) => make(first + k));
      onIds(first, await postBatch(base, headers, resources));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_BUNDLES }, worker));
}

/** Creates resources (in batches), returning their ids in order. */
export async function createAll(base: string, headers: Record<string, string>, resources: Json[]): Promise<string[]> {
  const ids: string[] = new Array(resources.length);
  await inBundles(base, headers, resources.length, (i) => resources[i]!, (first, got) => got.forEach((id, k) => (ids[first + k] = id)));
  return ids;
}

/** Creates the dataset's actors: `patients` patients and the practitioners. */
export async function createActors(base: string, headers: Record<string, string>, patients: number): Promise<Dataset> {
  const patientIds: string[] = new Array(patients);
  const practitionerIds: string[] = new Array(DATASET_PRACTITIONERS);
  await inBundles(base, headers, patients, datasetPatient, (first, ids) => ids.forEach((id, k) => (patientIds[first + k] = id)));
  await inBundles(base, headers, DATASET_PRACTITIONERS, datasetPractitioner, (first, ids) => ids.forEach((id, k) => (practitionerIds[first + k] = id)));
  return { patientIds, practitionerIds, noteIds: [], notes: 0 };
}

/** Adds notes until the dataset holds `total` of them. */
export async function growNotes(base: string, headers: Record<string, string>, ds: Dataset, total: number): Promise<void> {
  const from = ds.notes;
  if (total <= from) return;
  await inBundles(base, headers, total - from, (k) => datasetNote(from + k, ds.patientIds, ds.practitionerIds), (first, ids) => {
    for (let k = 0; k < ids.length; k++) if (from + first + k < KEPT_NOTE_IDS) ds.noteIds[from + first + k] = ids[k]!;
  });
  ds.notes = total;
}
