/** Storage contract: searches over the index tables (every parameter type, sorting, paging, includes, access). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { before } from 'node:test';
import { identifierSystems, typeNote } from '../fhir/terminology.js';
import type { SearchPosition } from './storage-port.js';
import type { AccessConstraint } from './access-constraint.js';
import { LABEL_BITS } from './access/audience.js';
import { T0, ids, note, patient, practitioner, put, refs, search, type Json, type WithStore } from './storage-contract-fixtures.js';

export function searchContract(withStore: WithStore): void {
  withStore('search over the index tables', (get) => {
    before(async () => {
      const s = get();
      let t = T0;
      const w = (r: Json) => put(s, r, (t += 1000));
      await w(patient('p1', '123456789012345', 'Lefèvre', '1941-05-12'));
      await w(patient('p2', '223456789012345', 'Martin', '1950-01-02'));
      await w(patient('p3', '323456789012345', 'Durand'));
      await w(practitioner('dr1', '810000000001', 'Dupont', 'Marie'));
      await w(practitioner('dr2', '810000000002', 'Martin', 'Paul'));
      await w({ resourceType: 'PractitionerRole', id: 'role1', practitioner: { reference: 'Practitioner/dr1' } });
      await w(note('n1', 'Patient/p1', 'Practitioner/dr1', 'OBS', '2026-01-10T09:00:00Z'));
      await w(note('n2', 'Patient/p1', 'PractitionerRole/role1', 'INTERV', '2026-02-10T09:00:00Z', 'MASQUE_PS'));
      await w(note('n3', 'Patient/p2', 'Practitioner/dr2', 'OBS', '2026-03-10T09:00:00Z'));
      await w(note('n4', 'Patient/p1', 'Practitioner/dr2', 'SYNTH', '2026-04-10T09:00:00Z'));
      await w(note('n5', 'Patient/p3', 'Practitioner/dr2', 'OBS'));
      // n4 changes type: its old index rows must be gone.
      await w(note('n4', 'Patient/p1', 'Practitioner/dr2', 'OBS', '2026-04-10T09:00:00Z'));
      // n6 is written then deleted: it must match nothing.
      await w(note('n6', 'Patient/p1', 'Practitioner/dr1', 'OBS', '2026-05-10T09:00:00Z'));
      await s.transaction(async (tx) => tx.deleteVersion({ type: 'DocumentReference', id: 'n6', version: 2, lastUpdated: (t += 1000) }));
      await w({
        resourceType: 'CareTeam',
        id: 'ct2',
        status: 'active',
        subject: { reference: 'Patient/p2' },
        participant: [{ member: { reference: 'Practitioner/dr2' } }],
      });
    });

    it('token: code, system|code, :not; updated and deleted resources keep no stale rows', async () => {
      const s = get();
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=OBS')), ['n1', 'n3', 'n4', 'n5']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', `type=${typeNote.url}|INTERV`)), ['n2']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=SYNTH')), []);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'type:not=OBS')), ['n2']);
      assert.deepEqual(ids(await search(s, 'Patient', `identifier=${identifierSystems.insNir}|223456789012345`)), ['p2']);
    });

    it('string: starts-with (folded), :exact, :contains', async () => {
      const s = get();
      assert.deepEqual(ids(await search(s, 'Patient', 'family=lefe')), ['p1']);
      assert.deepEqual(ids(await search(s, 'Patient', 'family:exact=Lefèvre')), ['p1']);
      assert.deepEqual(ids(await search(s, 'Patient', 'family:exact=lefèvre')), []);
      assert.deepEqual(ids(await search(s, 'Patient', 'family:contains=ART')), ['p2']);
      assert.deepEqual(ids(await search(s, 'Practitioner', 'name=mar')), ['dr1', 'dr2']);
    });

    it('date prefixes and missing values', async () => {
      const s = get();
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'date=ge2026-02-10')), ['n2', 'n3', 'n4']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'date=lt2026-02')), ['n1']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'date=2026-03')), ['n3']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'date:missing=true')), ['n5']);
      assert.deepEqual(ids(await search(s, 'Patient', 'birthdate=le1945')), ['p1']);
    });

    it('reference and chained parameters', async () => {
      const s = get();
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'subject=Patient/p1')), ['n1', 'n2', 'n4']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'patient=p1&type=OBS')), ['n1', 'n4']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'subject:Patient.family=lef')), ['n1', 'n2', 'n4']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', `subject:Patient.identifier=${identifierSystems.insNir}|223456789012345`)), ['n3']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'author:Practitioner.family=dupont')), ['n1']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'author:PractitionerRole.practitioner:Practitioner.name=marie')), ['n2']);
    });

    it('sort (missing values last in both directions), _id, total', async () => {
      const s = get();
      assert.deepEqual(ids(await search(s, 'Patient', '_sort=birthdate'), true), ['p1', 'p2', 'p3']);
      assert.deepEqual(ids(await search(s, 'Patient', '_sort=-birthdate'), true), ['p2', 'p1', 'p3']);
      assert.deepEqual(ids(await search(s, 'Patient', '_sort=family'), true), ['p3', 'p1', 'p2']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', '_sort=-date'), true), ['n4', 'n3', 'n2', 'n1', 'n5']);
      assert.deepEqual(ids(await search(s, 'DocumentReference', '_id=n1,n3,nope')), ['n1', 'n3']);
      const r = await search(s, 'DocumentReference', 'type=OBS&_count=1', { total: true });
      assert.equal(r.total, 4);
      assert.equal(r.matches.length, 1);
      assert.equal((await search(s, 'DocumentReference', '_count=0', { total: true })).total, 5);
    });

    it('keyset paging: pages after a position add up to the full result, in order', async () => {
      const s = get();
      for (const q of ['_sort=date', '_sort=-date', '_sort=family', '', '_sort=_lastUpdated']) {
        const type = q.includes('family') ? 'Patient' : 'DocumentReference';
        const full = ids(await search(s, type, q), true);
        const paged: string[] = [];
        let position: SearchPosition | undefined;
        for (let guard = 0; guard < 20; guard++) {
          const page = await search(s, type, `${q}&_count=2`, position ? { after: position } : {});
          paged.push(...ids(page, true));
          if (!page.next) break;
          position = page.next;
        }
        assert.deepEqual(paged, full, q);
        assert.equal(new Set(full).size, full.length);
      }
    });

    it('_include and _revinclude (also :iterate), without duplicating matches', async () => {
      const s = get();
      let r = await search(s, 'DocumentReference', '_id=n1,n2&_include=DocumentReference:subject&_include=DocumentReference:author');
      assert.deepEqual(refs(r.included), ['Patient/p1', 'Practitioner/dr1', 'PractitionerRole/role1']);
      r = await search(s, 'DocumentReference', '_id=n2&_include=DocumentReference:author&_include:iterate=PractitionerRole:practitioner');
      assert.deepEqual(refs(r.included), ['Practitioner/dr1', 'PractitionerRole/role1']);
      r = await search(s, 'Patient', '_id=p1&_revinclude=DocumentReference:subject');
      assert.deepEqual(refs(r.included), ['DocumentReference/n1', 'DocumentReference/n2', 'DocumentReference/n4']);
      r = await search(s, 'DocumentReference', 'subject=Patient/p1&_include=*');
      assert.deepEqual(refs(r.included), ['Patient/p1', 'Practitioner/dr1', 'Practitioner/dr2', 'PractitionerRole/role1']);
    });

    it('the access constraint is compiled into searches, includes and reads', async () => {
      const s = get();
      // Audience label MASQUE_PS hidden, unless the caller authored the note.
      const masked: AccessConstraint = { hiddenLabels: LABEL_BITS.MASQUE_PS, authors: [{ type: 'Practitioner', id: 'dr2' }] };
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'subject=Patient/p1', { access: masked, total: true })), ['n1', 'n4']);
      assert.equal((await search(s, 'DocumentReference', 'subject=Patient/p1', { access: masked, total: true })).total, 2);
      assert.equal(await s.readCurrent('DocumentReference', 'n2', masked), undefined);
      assert.equal((await s.readCurrent('DocumentReference', 'n2'))?.id, 'n2');
      const author: AccessConstraint = { hiddenLabels: LABEL_BITS.MASQUE_PS, authors: [{ type: 'PractitionerRole', id: 'role1' }] };
      assert.deepEqual(ids(await search(s, 'DocumentReference', 'subject=Patient/p1', { access: author })), ['n1', 'n2', 'n4']);
      // Circle of care: dr2 is in p2's care team only; directory resources stay visible.
      const circle: AccessConstraint = { circle: { members: [{ type: 'Practitioner', id: 'dr2' }], patients: [], at: Date.now() } };
      assert.deepEqual(ids(await search(s, 'DocumentReference', '', { access: circle })), ['n3']);
      const r = await search(s, 'Patient', '_revinclude=DocumentReference:subject', { access: circle });
      assert.deepEqual([ids(r), refs(r.included)], [['p2'], ['DocumentReference/n3']]);
      assert.deepEqual(ids(await search(s, 'Practitioner', '', { access: circle })), ['dr1', 'dr2']);
      assert.equal((await s.history({ type: 'DocumentReference', count: 50 }, circle)).length, 1);
      assert.equal(await s.readVersion('DocumentReference', 'n1', 1, circle), undefined);
    });

    it('access constraints with no circle members or no authors (e.g. a patient caller)', async () => {
      const s = get();
      const own: AccessConstraint = { circle: { members: [], patients: ['p1'], at: Date.now() }, hiddenLabels: LABEL_BITS.MASQUE_PS, authors: [] };
      assert.deepEqual(ids(await search(s, 'DocumentReference', '', { access: own })), ['n1', 'n4']);
      assert.equal((await s.readCurrent('Patient', 'p1', own))?.id, 'p1');
      assert.equal(await s.readCurrent('Patient', 'p2', own), undefined);
    });
  });
}
