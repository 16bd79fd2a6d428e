/**
 * The storage contract: one suite every adapter of the storage port passes (SQLite, PostgreSQL),
 * exercising the port directly with realistic resources (the real indexer) and searches (the
 * real parser). Each `describe` opens a fresh store (own file / own schema) and closes it.
 *
 * Usage, from an adapter's test file:
 *   runStorageContract('sqlite', async () => { ...; return { storage, close } });
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccessConstraint } from './access-constraint.js';
import { LABEL_BITS } from './access/audience.js';
import type { Storage } from './storage-port.js';
import { auditContract } from './storage-contract-audit.js';
import { concurrencyContract } from './storage-contract-concurrency.js';
import { T0, ids, note, patient, practitioner, put, search, versionWrite } from './storage-contract-fixtures.js';
import { searchContract } from './storage-contract-search.js';

export interface OpenedStorage {
  storage: Storage;
  close(): Promise<void>;
}

export { versionWrite } from './storage-contract-fixtures.js';

export function runStorageContract(name: string, open: () => Promise<OpenedStorage>): void {
  /** A describe block with its own fresh store. */
  const withStore = (title: string, body: (get: () => Storage) => void) =>
    describe(title, () => {
      let opened: OpenedStorage | undefined;
      before(async () => {
        opened = await open();
      });
      after(async () => {
        await opened?.close();
      });
      body(() => opened!.storage);
    });

  describe(`storage contract: ${name}`, () => {
    withStore('versions, history, deletion, blobs', (get) => {
      it('writes, reads the current version and every past version, as the exact stored text', async () => {
        const s = get();
        assert.equal(await s.readCurrent('Patient', 'v1'), undefined);
        await put(s, patient('v1', '100000000000001', 'Alpha'), T0 + 1000);
        await put(s, patient('v1', '100000000000001', 'Beta'), T0 + 2000);
        const cur = await s.readCurrent('Patient', 'v1');
        assert.equal(cur?.version, 2);
        assert.equal(cur?.deleted, false);
        assert.equal(cur?.lastUpdated, T0 + 2000);
        assert.equal(cur?.json, versionWrite(patient('v1', '100000000000001', 'Beta'), 2, T0 + 2000).json);
        assert.equal(cur?.patientId, 'v1');
        const v1 = await s.readVersion('Patient', 'v1', 1);
        assert.equal(JSON.parse(v1!.json!).name[0].family, 'Alpha');
        assert.equal(v1?.method, 'POST');
        assert.equal(await s.readVersion('Patient', 'v1', 3), undefined);
      });

      it('a deletion is a version without content; the resource stays in history', async () => {
        const s = get();
        await put(s, patient('d1', '100000000000002', 'Gamma'), T0 + 3000);
        await s.transaction(async (tx) => {
          const cur = await tx.readForUpdate('Patient', 'd1');
          await tx.deleteVersion({ type: 'Patient', id: 'd1', version: cur!.version + 1, lastUpdated: T0 + 4000 });
        });
        const cur = await s.readCurrent('Patient', 'd1');
        assert.deepEqual([cur?.version, cur?.deleted, cur?.json, cur?.method], [2, true, null, 'DELETE']);
        const v2 = await s.readVersion('Patient', 'd1', 2);
        assert.deepEqual([v2?.deleted, v2?.json], [true, null]);
        assert.equal((await s.readVersion('Patient', 'd1', 1))?.deleted, false);
        assert.deepEqual(ids(await search(s, 'Patient', 'family=gamma')), []);
        // Written again after deletion: version 3, found again.
        await put(s, patient('d1', '100000000000002', 'Gamma'), T0 + 5000);
        assert.equal((await s.readCurrent('Patient', 'd1'))?.version, 3);
        assert.deepEqual(ids(await search(s, 'Patient', 'family=gamma')), ['d1']);
      });

      it('history: instance, type and system, newest first, since/before bounds, keyset paging, counts', async () => {
        const s = get();
        const inst = await s.history({ type: 'Patient', id: 'd1', count: 10 });
        assert.deepEqual(inst.map((e) => [e.version, e.method]), [[3, 'PUT'], [2, 'DELETE'], [1, 'POST']]);
        assert.equal(await s.countHistory({ type: 'Patient', id: 'd1' }), 3);
        const all = await s.history({ count: 100 });
        assert.deepEqual(all.map((e) => `${e.id}@${e.version}`), ['d1@3', 'd1@2', 'd1@1', 'v1@2', 'v1@1']);
        assert.equal(await s.countHistory({}), 5);
        assert.equal(await s.countHistory({ type: 'Patient', since: T0 + 3000 }), 3);
        assert.deepEqual((await s.history({ type: 'Patient', before: T0 + 3000, count: 10 })).map((e) => `${e.id}@${e.version}`), ['v1@2', 'v1@1']);
        // Keyset paging over the system history, two at a time.
        const pages: string[] = [];
        let afterKey: { lastUpdated: number; seq: number } | undefined;
        for (;;) {
          const page = await s.history({ count: 2, ...(afterKey ? { after: afterKey } : {}) });
          pages.push(...page.map((e) => `${e.id}@${e.version}`));
          if (page.length < 2) break;
          const last = page[page.length - 1]!;
          afterKey = { lastUpdated: last.lastUpdated, seq: last.seq };
        }
        assert.deepEqual(pages, all.map((e) => `${e.id}@${e.version}`));
      });

      it('blobs are stored beside their version', async () => {
        const s = get();
        const bytes = Buffer.from(Array.from({ length: 70000 }, (_, i) => i % 251));
        await put(s, { resourceType: 'Binary', id: 'b1', contentType: 'application/octet-stream' }, T0 + 6000, bytes);
        assert.deepEqual(await s.readBlob('Binary', 'b1', 1), bytes);
        assert.equal(await s.readBlob('Binary', 'b1', 2), undefined);
        assert.equal(await s.readBlob('Binary', 'nope', 1), undefined);
        // Each version has its own content; content needs its version, and is written once.
        const v2 = Buffer.from('second version');
        await put(s, { resourceType: 'Binary', id: 'b1', contentType: 'text/plain' }, T0 + 6001, v2);
        assert.deepEqual(await s.readBlob('Binary', 'b1', 2), v2);
        assert.deepEqual(await s.readBlob('Binary', 'b1', 1), bytes);
        await assert.rejects(s.transaction((tx) => tx.writeBlob('Binary', 'b1', 3, v2)));
        await assert.rejects(s.transaction((tx) => tx.writeBlob('Binary', 'b1', 2, v2)));
        assert.deepEqual(await s.readBlob('Binary', 'b1', 2), v2);
      });

      it('exportVersions: every version (deletions too) in write order, paged by seq', async () => {
        const s = get();
        const all: string[] = [];
        let after = 0;
        for (;;) {
          const page = await s.exportVersions(after, 3);
          all.push(...page.map((v) => `${v.type}/${v.id}@${v.version}${v.deleted ? ' deleted' : ''}:${v.method}`));
          if (page.length < 3) break;
          assert.ok(page.every((v, i) => i === 0 || v.seq > page[i - 1]!.seq));
          after = page[page.length - 1]!.seq;
        }
        assert.deepEqual(all, [
          'Patient/v1@1:POST',
          'Patient/v1@2:PUT',
          'Patient/d1@1:POST',
          'Patient/d1@2 deleted:DELETE',
          'Patient/d1@3:PUT',
          'Binary/b1@1:POST',
          'Binary/b1@2:PUT',
        ]);
        const [first] = await s.exportVersions(0, 1);
        assert.equal(first?.json, versionWrite(patient('v1', '100000000000001', 'Alpha'), 1, T0 + 1000).json);
        assert.equal(first?.lastUpdated, T0 + 1000);
        assert.equal(first?.patientId, 'v1');
        assert.deepEqual(await s.exportVersions(Number.MAX_SAFE_INTEGER, 10), []);
      });
    });

    withStore('bulk import (importVersions)', (get) => {
      it('writes versions and deletions as given, in order, with their derived rows', async () => {
        const s = get();
        const T = T0 + 50_000;
        await s.transaction(async (tx) => {
          await tx.importVersions([
            { deleted: false, ...versionWrite(patient('ip', '600000000000001', 'Importé'), 1, T, 'PUT') },
            { deleted: false, ...versionWrite(practitioner('idr', '810000000061', 'Import', 'Anne'), 1, T + 1) },
            { deleted: false, ...versionWrite(note('in1', 'Patient/ip', 'Practitioner/idr', 'OBS', '2026-01-10T09:00:00Z', 'MASQUE_PS'), 1, T + 2) },
            { deleted: false, ...versionWrite(note('in1', 'Patient/ip', 'Practitioner/idr', 'SYNTH', '2026-01-10T09:00:00Z', 'MASQUE_PS'), 2, T + 3) },
            { deleted: false, ...versionWrite(note('in2', 'Patient/ip', 'Practitioner/idr', 'OBS'), 1, T + 4) },
            { deleted: true, type: 'DocumentReference', id: 'in2', version: 2, lastUpdated: T + 5 },
            { deleted: false, ...versionWrite({ resourceType: 'Binary', id: 'ib', contentType: 'text/plain', securityContext: { reference: 'DocumentReference/in1' } }, 1, T + 6) },
            {
              deleted: false,
              ...versionWrite({ resourceType: 'CareTeam', id: 'ict', status: 'active', subject: { reference: 'Patient/ip' }, participant: [{ member: { reference: 'Practitioner/idr' } }] }, 1, T + 7),
            },
          ]);
          await tx.writeBlob('Binary', 'ib', 1, Buffer.from('imported bytes'));
        });
        const p = await s.readCurrent('Patient', 'ip');
        assert.deepEqual([p?.version, p?.lastUpdated, p?.method], [1, T, 'PUT']);
        assert.deepEqual((await s.history({ type: 'DocumentReference', id: 'in1', count: 10 })).map((e) => [e.version, e.lastUpdated]), [[2, T + 3], [1, T + 2]]);
        assert.deepEqual([(await s.readCurrent('DocumentReference', 'in2'))?.deleted], [true]);
        assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=SYNTH')), ['in1']);
        assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=OBS')), []);
        assert.deepEqual(await s.readBlob('Binary', 'ib', 1), Buffer.from('imported bytes'));
        // Derived rows: labels, circle of care (CareTeam), owner of the Binary.
        const masked: AccessConstraint = { hiddenLabels: LABEL_BITS.MASQUE_PS, authors: [] };
        assert.equal(await s.readCurrent('DocumentReference', 'in1', masked), undefined);
        const circle: AccessConstraint = { circle: { members: [{ type: 'Practitioner', id: 'idr' }], patients: [], at: Date.now() } };
        assert.equal((await s.readCurrent('DocumentReference', 'in1', circle))?.id, 'in1');
        assert.equal((await s.readCurrent('Binary', 'ib', circle))?.id, 'ib');
        assert.equal(await s.readCurrent('Binary', 'ib', { circle: { members: [{ type: 'Practitioner', id: 'other' }], patients: [], at: Date.now() } }), undefined);
        assert.deepEqual(
          (await s.exportVersions(0, 100)).map((v) => `${v.id}@${v.version}`),
          ['ip@1', 'idr@1', 'in1@1', 'in1@2', 'in2@1', 'in2@2', 'ib@1', 'ict@1'],
        );
      });

      it('continues a resource across batches; an owner counts only once written; deleting the unknown is refused', async () => {
        const s = get();
        const T = T0 + 60_000;
        const binary = (id: string, owner: string) => ({ resourceType: 'Binary', id, contentType: 'text/plain', securityContext: { reference: owner } });
        await s.transaction((tx) =>
          tx.importVersions([
            // Owner named before it exists: no owner (as the write path's lookup at write time).
            { deleted: false, ...versionWrite(binary('early', 'DocumentReference/late'), 1, T) },
            { deleted: false, ...versionWrite(note('late', 'Patient/ip', 'Practitioner/idr', 'OBS'), 1, T + 1) },
            { deleted: false, ...versionWrite(binary('after', 'DocumentReference/late'), 1, T + 2) },
          ]),
        );
        await s.transaction((tx) =>
          tx.importVersions([
            { deleted: false, ...versionWrite(note('late', 'Patient/ip', 'Practitioner/idr', 'INTERV'), 2, T + 3) },
            { deleted: true, type: 'DocumentReference', id: 'in1', version: 3, lastUpdated: T + 4 },
            { deleted: false, ...versionWrite(note('in1', 'Patient/ip', 'Practitioner/idr', 'GEN'), 4, T + 5) },
          ]),
        );
        const circle: AccessConstraint = { circle: { members: [{ type: 'Practitioner', id: 'idr' }], patients: [], at: Date.now() } };
        assert.equal((await s.readCurrent('Binary', 'after', circle))?.id, 'after');
        assert.equal(await s.readCurrent('Binary', 'early', circle), undefined);
        assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=INTERV')), ['late']);
        assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=GEN')), ['in1']);
        assert.deepEqual(ids(await search(s, 'DocumentReference', 'type=OBS')), []);
        assert.equal((await s.readCurrent('DocumentReference', 'in1'))?.version, 4);
        await assert.rejects(s.transaction((tx) => tx.importVersions([{ deleted: true, type: 'Patient', id: 'never', version: 1, lastUpdated: T }])));
        await s.transaction((tx) => tx.importAuditChain([{ eventId: 'e1', hash: 'h1' }, { eventId: 'e2', hash: 'h2' }]));
        assert.deepEqual((await s.auditChain(0, 10)).map((l) => [l.eventId, l.hash]), [['e1', 'h1'], ['e2', 'h2']]);
      });
    });

    withStore('transactions', (get) => {
      it('a transaction sees its own writes; other readers never see uncommitted data', async () => {
        const s = get();
        await s.transaction(async (tx) => {
          await tx.writeVersion(versionWrite(patient('iso', '400000000000001', 'Iso'), 1, T0));
          assert.equal((await tx.readCurrent('Patient', 'iso'))?.version, 1);
          assert.deepEqual(ids(await search(tx, 'Patient', 'family=iso')), ['iso']);
          assert.equal(await s.readCurrent('Patient', 'iso'), undefined);
          assert.deepEqual(ids(await search(s, 'Patient', 'family=iso')), []);
        });
        assert.equal((await s.readCurrent('Patient', 'iso'))?.version, 1);
      });

      it('a throwing transaction leaves nothing behind (resources, history, index, blobs)', async () => {
        const s = get();
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.writeVersion(versionWrite(patient('gone1', '400000000000002', 'Ghost'), 1, T0));
            await tx.writeVersion(versionWrite({ resourceType: 'Binary', id: 'gone2', contentType: 'text/plain' }, 1, T0));
            await tx.writeBlob('Binary', 'gone2', 1, Buffer.from('x'));
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await s.readCurrent('Patient', 'gone1'), undefined);
        assert.equal(await s.readBlob('Binary', 'gone2', 1), undefined);
        assert.deepEqual(ids(await search(s, 'Patient', 'family=ghost')), []);
        assert.equal(await s.countHistory({ type: 'Patient', id: 'gone1' }), 0);
        // The store still works afterwards.
        await put(s, patient('after', '400000000000003', 'After'), T0 + 1);
        assert.deepEqual(ids(await search(s, 'Patient', 'family=after')), ['after']);
      });

      it('existing and referencedBy see current, non-deleted resources', async () => {
        const s = get();
        await put(s, patient('rp', '400000000000004', 'Ref'), T0 + 2);
        await put(s, practitioner('rdr', '810000000009', 'Ref', 'Doc'), T0 + 3);
        await put(s, note('rn1', 'Patient/rp', 'Practitioner/rdr', 'OBS'), T0 + 4);
        await put(s, note('rn2', 'Patient/rp', 'Practitioner/rdr', 'OBS'), T0 + 5);
        await s.transaction((tx) => tx.deleteVersion({ type: 'DocumentReference', id: 'rn2', version: 2, lastUpdated: T0 + 6 }));
        await s.transaction(async (tx) => {
          const found = await tx.existing([
            { targetType: 'Patient', targetId: 'rp' },
            { targetType: 'Patient', targetId: 'nope' },
            { targetType: 'DocumentReference', targetId: 'rn2' },
            { targetType: 'Practitioner', targetId: 'rdr' },
          ]);
          assert.deepEqual([...found].sort(), ['Patient/rp', 'Practitioner/rdr']);
          assert.deepEqual(await tx.referencedBy('Patient', 'rp', 10), [{ targetType: 'DocumentReference', targetId: 'rn1' }]);
          assert.deepEqual(await tx.referencedBy('Patient', 'nope', 10), []);
        });
      });
    });

    searchContract(withStore);
    concurrencyContract(withStore);
    auditContract(withStore);
  });
}

