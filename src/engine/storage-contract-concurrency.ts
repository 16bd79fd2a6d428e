/** Storage contract: concurrent writers (If-Match races, version numbers, conditional creates, the audit chain). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { identifierSystems } from '../fhir/terminology.js';
import { createHash } from 'node:crypto';
import { T0, patient, put, race, search, versionWrite, type WithStore } from './storage-contract-fixtures.js';

export function concurrencyContract(withStore: WithStore): void {
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
}
