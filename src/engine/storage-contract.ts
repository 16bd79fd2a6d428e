/**
 * The storage contract: one suite every adapter of the storage port passes (SQLite, PostgreSQL),
 * exercising the port directly with realistic resources (the real indexer) and searches (the
 * real parser). Each `describe` opens a fresh store (own file / own schema) and closes it.
 *
 * Usage, from an adapter's test file:
 *   runStorageContract('sqlite', async () => { ...; return { storage, close } });
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../fhir/definitions/load.js';
import { createIndexer } from '../fhir/search/indexer.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { identifierSystems, typeNote, visibilityStatus } from '../fhir/terminology.js';
import type { AccessConstraint } from './access-constraint.js';
import { LABEL_BITS, labelMaskOf } from './access/audience.js';
import { membershipsOf } from './access/circle-memberships.js';
import { compartmentOf } from './access/compartment.js';
import { collectLinks } from './references.js';
import type { SearchPosition, SearchResult, Storage, StorageTx, StoredVersion, VersionWrite } from './storage-port.js';
import { verifyAuditChain } from './audit/verify-chain.js';

export interface OpenedStorage {
  storage: Storage;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const TYPES = ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Binary', 'CareTeam', 'Provenance', 'AuditEvent'];
const defs = loadDefinitions(defaultDefinitionsCacheDir());
const indexer = createIndexer(defs, TYPES);
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** The version write of a resource, as the engine builds it (index, links, compartment, labels). */
export function versionWrite(resource: Json, version: number, lastUpdated: number, method: 'POST' | 'PUT' = version === 1 ? 'POST' : 'PUT'): VersionWrite {
  const type = String(resource.resourceType);
  const withMeta = { ...resource, meta: { versionId: String(version), lastUpdated: new Date(lastUpdated).toISOString() } };
  const c = compartmentOf(resource);
  const w: VersionWrite = {
    type,
    id: String(resource.id),
    version,
    lastUpdated,
    method,
    json: JSON.stringify(withMeta),
    index: indexer.extract(withMeta as unknown as { resourceType: string }),
    links: collectLinks(resource, type).map(({ targetType, targetId }) => ({ targetType, targetId })),
    patientId: c.patientId,
    labelMask: labelMaskOf(resource),
    memberships: membershipsOf(resource),
  };
  if (c.owner) w.owner = { targetType: c.owner.type, targetId: c.owner.id };
  return w;
}

/** Writes the next version of `resource` (after whatever is current), in its own transaction. */
async function put(storage: Storage, resource: Json, lastUpdated: number, blob?: Buffer): Promise<number> {
  return storage.transaction(async (tx) => {
    const current = await tx.readForUpdate(String(resource.resourceType), String(resource.id));
    const version = (current?.version ?? 0) + 1;
    await tx.writeVersion(versionWrite(resource, version, lastUpdated));
    if (blob) await tx.writeBlob(String(resource.resourceType), String(resource.id), version, blob);
    return version;
  });
}

function query(type: string, q: string) {
  return parseSearch(defs, type, [...new URLSearchParams(q).entries()], { lenient: false, maxCount: 1000, defaultCount: 50, exposedTypes: TYPES });
}

const search = (s: Storage | StorageTx, type: string, q: string, o: { after?: SearchPosition; total?: boolean; access?: AccessConstraint } = {}): Promise<SearchResult> =>
  s.search({ request: query(type, q), countTotal: o.total ?? false, access: o.access ?? {}, ...(o.after ? { after: o.after } : {}) });

const ids = (r: SearchResult, ordered = false): string[] => {
  const list = r.matches.map((m) => m.id);
  return ordered ? list : list.sort();
};
const refs = (vs: StoredVersion[]): string[] => vs.map((v) => `${v.type}/${v.id}`).sort();

const patient = (id: string, nir: string, family: string, birthDate?: string): Json => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: identifierSystems.insNir, value: nir }],
  name: [{ family, given: ['Jeanne'] }],
  ...(birthDate ? { birthDate } : {}),
});
const practitioner = (id: string, rpps: string, family: string, given: string): Json => ({
  resourceType: 'Practitioner',
  id,
  identifier: [{ system: identifierSystems.nationalProfessional, value: rpps }],
  name: [{ family, given: [given] }],
});
const note = (id: string, subject: string, author: string, code: string, date?: string, label?: string): Json => ({
  resourceType: 'DocumentReference',
  id,
  status: 'current',
  type: { coding: [{ system: typeNote.url, code }] },
  subject: { reference: subject },
  author: [{ reference: author }],
  ...(date ? { date } : {}),
  ...(label ? { securityLabel: [{ coding: [{ system: visibilityStatus.url, code: label }] }] } : {}),
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(`note ${id}`).toString('base64') } }],
});

/** Runs `n` functions at once; returns their outcomes. */
const race = <T>(n: number, f: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => f(i)));

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

    withStore('concurrency', (get) => {
      it('If-Match style races: N transactions read version v and write v+1 only if unchanged; exactly one wins', async () => {
        const s = get();
        await put(s, patient('race', '500000000000001', 'Race'), T0);
        for (let round = 1; round <= 3; round++) {
          const outcomes = await race(12, (i) =>
            s.transaction(async (tx) => {
              const cur = await tx.readForUpdate('Patient', 'race');
              if (cur?.version !== round) throw new Error('412');
              await tx.writeVersion(versionWrite(patient('race', '500000000000001', `Race ${i}`), round + 1, T0 + round));
            }),
          );
          const won = outcomes.filter((o) => o.status === 'fulfilled').length;
          const lost = outcomes.filter((o) => o.status === 'rejected' && /412/.test(String(o.reason))).length;
          assert.deepEqual([won, lost], [1, 11], `round ${round}`);
        }
        assert.equal((await s.readCurrent('Patient', 'race'))?.version, 4);
      });

      it('concurrent unconditional updates get consecutive versions, no gap, no duplicate', async () => {
        const s = get();
        await put(s, patient('upd', '500000000000002', 'Upd'), T0);
        const outcomes = await race(16, (i) => put(s, patient('upd', '500000000000002', `Upd ${i}`), T0 + 1 + i));
        const versions = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : -1)).sort((a, b) => a - b);
        assert.deepEqual(versions, Array.from({ length: 16 }, (_, i) => i + 2));
        const hist = await s.history({ type: 'Patient', id: 'upd', count: 100 });
        assert.deepEqual(hist.map((e) => e.version).sort((a, b) => a - b), Array.from({ length: 17 }, (_, i) => i + 1));
      });

      it('update-as-create races on one new id: versions 1..N, one resource', async () => {
        const s = get();
        const outcomes = await race(10, (i) => put(s, patient('uac', '500000000000003', `Uac ${i}`), T0 + i));
        const versions = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : -1)).sort((a, b) => a - b);
        assert.deepEqual(versions, Array.from({ length: 10 }, (_, i) => i + 1));
        assert.equal(await s.countHistory({ type: 'Patient', id: 'uac' }), 10);
      });

      it('conditional create races (search, then create when none matched): exactly one resource', async () => {
        const s = get();
        const criteria = `identifier=${identifierSystems.insNir}|599999999999999`;
        const outcomes = await race(10, (i) =>
          s.transaction(async (tx) => {
            const found = await search(tx, 'Patient', `${criteria}&_count=2`);
            if (found.matches.length > 0) return `existing:${found.matches[0]!.id}`;
            await tx.writeVersion(versionWrite(patient(`cc${i}`, '599999999999999', 'Cond'), 1, T0 + i));
            return `created:cc${i}`;
          }),
        );
        const values = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : `error:${String(o.reason)}`));
        assert.equal(values.filter((v) => v.startsWith('created:')).length, 1, values.join(','));
        assert.equal(values.filter((v) => v.startsWith('existing:')).length, 9, values.join(','));
        assert.equal((await search(s, 'Patient', criteria)).matches.length, 1);
      });

      it('concurrent audit-chain appends form one unbroken chain', async () => {
        const s = get();
        const sha = (x: string) => createHash('sha256').update(x).digest('hex');
        await race(10, (i) =>
          s.transaction(async (tx) => {
            const head = await tx.auditChainHead();
            await tx.appendAuditChain(`ev${i}`, sha(head + `ev${i}`));
          }),
        );
        const chain = await s.auditChain(0, 100);
        assert.equal(chain.length, 10);
        let previous = '';
        for (const link of chain) {
          assert.equal(link.hash, sha(previous + link.eventId));
          previous = link.hash;
        }
      });
    });

    withStore('audit events', (get) => {
      it('appendAuditEvents: stored, searchable and chained in order, interleaved with note writes', async () => {
        const s = get();
        const event = (i: number, patientId: string): Json => ({
          resourceType: 'AuditEvent',
          id: `ae${String(i).padStart(3, '0')}`,
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
          subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: i % 2 ? 'read' : 'search-type' }],
          action: i % 2 ? 'R' : 'E',
          recorded: new Date(T0 + i).toISOString(),
          outcome: '0',
          agent: [{ who: { reference: 'Practitioner/aud' }, requestor: true }],
          source: { observer: { display: 'cahier-de-liaison' } },
          entity: [{ what: { reference: `Patient/${patientId}` } }],
        });
        await put(s, patient('ap1', '600000000000001', 'Audit'), T0);
        const outcomes = await race(8, (i) =>
          i % 2
            ? s.appendAuditEvents(Array.from({ length: 5 }, (_, j) => versionWrite(event(i * 10 + j, i % 4 === 1 ? 'ap1' : 'ap2'), 1, T0 + i)))
            : put(s, note(`an${i}`, 'Patient/ap1', 'Practitioner/aud', 'OBS'), T0 + i).then(() => undefined),
        );
        assert.deepEqual(outcomes.map((o) => o.status), Array(8).fill('fulfilled'));
        const chain = await s.auditChain(0, 100);
        assert.equal(chain.length, 20);
        // Each batch is contiguous and in order in the chain.
        const batches = chain.map((l) => Math.floor(Number(l.eventId.slice(2)) / 10));
        assert.deepEqual(batches, [...batches].sort((a, b) => batches.indexOf(a) - batches.indexOf(b)));
        const verified = await verifyAuditChain(s);
        assert.deepEqual([verified.ok, verified.verified], [true, 20]);
        assert.equal(JSON.parse((await s.readCurrent('AuditEvent', 'ae010'))!.json!).action, 'E');
        assert.deepEqual(ids(await search(s, 'AuditEvent', 'entity=Patient/ap1&subtype=read')), ['ae011', 'ae013', 'ae051', 'ae053']);
        assert.equal((await search(s, 'DocumentReference', 'subject=Patient/ap1')).matches.length, 4);
      });

      it('appendAuditEvents: a failing batch leaves nothing of itself', async () => {
        const s = get();
        const ok = versionWrite({ resourceType: 'AuditEvent', id: 'dup-ok', recorded: new Date(T0).toISOString(), agent: [{ requestor: true }], source: { observer: { display: 'x' } }, type: { code: 'rest' } }, 1, T0);
        await s.appendAuditEvents([ok]);
        const before = (await s.auditChain(0, 1000)).length;
        await assert.rejects(s.appendAuditEvents([{ ...ok, id: 'dup-new' }, ok]));
        assert.equal((await s.auditChain(0, 1000)).length, before);
        assert.equal(await s.readCurrent('AuditEvent', 'dup-new'), undefined);
      });
    });
  });
}
