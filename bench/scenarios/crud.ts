/** Scenarios on fresh servers, without the dataset: read, update (If-Match), create, IG transaction. */
import { igTransaction, noteOf2KB } from '../dataset/resources.js';
import { UPDATE_POOL } from './server-data.js';
import { rotating, type Scenario } from './types.js';

export const crudScenarios: Scenario[] = [
  {
    name: 'read',
    title: 'read a note',
    phase: 'crud',
    prepare: (d) => ({ requests: [rotating(d.basePath, d.notes.ids, (id) => `DocumentReference/${id}`)], probe: `DocumentReference/${d.notes.ids[0]}` }),
  },
  {
    name: 'update',
    title: 'update a note (If-Match)',
    phase: 'crud',
    prepare: (d) => ({ requests: [d.notes.updateRequest(d.basePath)], beforeRound: () => d.notes.refresh(UPDATE_POOL) }),
  },
  {
    name: 'create',
    title: 'create a 2 KB note',
    phase: 'crud',
    prepare: (d) => ({
      requests: [{ method: 'POST', path: `${d.basePath}/DocumentReference`, body: JSON.stringify(noteOf2KB(d.patientId, d.authorRef)) }],
    }),
  },
  {
    name: 'transaction',
    title: 'IG transaction (note + 3 actors)',
    phase: 'crud',
    prepare: (d) => ({ requests: [{ method: 'POST', path: d.basePath, body: JSON.stringify(igTransaction()) }] }),
  },
];
