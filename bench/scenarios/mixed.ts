/**
 * The mixed workload at 32 connections: each connection cycles through 10 requests, 7 reads or
 * searches and 3 writes (5 reads of a note, 2 "latest 20 notes of a patient" searches, 2 creates
 * of a 2 KB note, 1 update with If-Match). It runs on the smallest dataset.
 *
 * Its search is written `subject=Patient/<id>` rather than `patient=…&_include=*`: the peer's
 * in-memory engine evaluates the `patient` parameter's FHIRPath (`resolve() is Patient`) about 100×
 * slower than `subject`, which would reduce its mixed workload to that one search.
 */
import { noteOf2KB } from '../dataset/resources.js';
import { UPDATE_POOL } from './server-data.js';
import { rotating, type Scenario } from './types.js';

export const mixedScenario: Scenario = {
  name: 'mixed',
  title: 'mixed 70 % read/search, 30 % write',
  phase: 'mixed',
  connections: 32,
  prepare: (d) => {
    if (!d.dataset) throw new Error('the mixed workload needs the dataset');
    const read = () => rotating(d.basePath, d.dataset!.noteIds, (id) => `DocumentReference/${id}`);
    const search = () => rotating(d.basePath, d.dataset!.patientIds, (id) => `DocumentReference?subject=Patient/${id}&_sort=-date&_count=20`);
    const create = () => ({ method: 'POST' as const, path: `${d.basePath}/DocumentReference`, body: JSON.stringify(noteOf2KB(d.patientId, d.authorRef)) });
    return {
      requests: [read(), read(), search(), create(), read(), read(), search(), d.notes.updateRequest(d.basePath), read(), create()],
      beforeRound: () => d.notes.refresh(UPDATE_POOL),
    };
  },
};
