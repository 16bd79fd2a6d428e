/** Storage contract: server-written AuditEvents (`appendAuditEvents`), chained in order. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyAuditChain } from './audit/verify-chain.js';
import { T0, ids, note, patient, put, race, search, versionWrite, type Json, type WithStore } from './storage-contract-fixtures.js';

export function auditContract(withStore: WithStore): void {
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
}
