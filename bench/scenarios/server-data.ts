/** Creates, on one server, what the scenarios need besides the dataset: actors and owned notes. */
import { benchPatient, benchPractitioner, noteOf2KB } from '../dataset/resources.js';
import { createAll } from '../dataset/seed.js';
import { fhirOk } from '../http.js';
import type { BenchServer } from '../servers.js';
import type { ServerData } from './types.js';
import { VersionedNotes } from './versioned-notes.js';

/** Notes each in-flight update holds one of (more than any connection count used). */
export const UPDATE_POOL = 64;

/** `ownedNotes` 2 KB notes of the benchmark's patient: read targets; the first UPDATE_POOL are the update targets. */
export async function prepareServerData(server: BenchServer, ownedNotes: number): Promise<ServerData> {
  const h = server.headers;
  const patientId = String((await fhirOk(server.base, 'POST', 'Patient', benchPatient(), h)).body.id);
  const authorRef = `Practitioner/${(await fhirOk(server.base, 'POST', 'Practitioner', benchPractitioner(), h)).body.id}`;
  const resources = Array.from({ length: ownedNotes }, () => noteOf2KB(patientId, authorRef));
  const ids = await createAll(server.base, h, resources);
  const bodies = new Map<string, string>();
  for (const id of ids) bodies.set(id, JSON.stringify({ resourceType: 'DocumentReference', id, ...withoutType(noteOf2KB(patientId, authorRef)) }));
  const notes = new VersionedNotes(server, ids, bodies);
  await notes.refresh(UPDATE_POOL);
  return { server, basePath: new URL(server.base).pathname, patientId, authorRef, notes };
}

function withoutType(n: Record<string, unknown>): Record<string, unknown> {
  const { resourceType: _ignored, ...rest } = n;
  return rest;
}
