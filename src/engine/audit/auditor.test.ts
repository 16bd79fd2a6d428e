/**
 * The auditor batches events and bounds its backlog: beyond it, requests wait (whenCaughtUp)
 * until the storage has caught up to half of it; nothing is dropped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage, VersionWrite } from '../storage-port.js';
import { Auditor } from './auditor.js';

/** A storage whose appendAuditEvents completes only when the test says so. */
function slowStorage() {
  const stored: VersionWrite[] = [];
  const pending: Array<() => void> = [];
  const storage = {
    appendAuditEvents: (events: VersionWrite[]) =>
      new Promise<void>((resolve) =>
        pending.push(() => {
          stored.push(...events);
          resolve();
        }),
      ),
  } as unknown as Storage;
  const release = async () => {
    while (pending.length === 0) await new Promise((r) => setTimeout(r, 1));
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { storage, stored, release };
}

const indexer = { extract: () => [] };
const log = { error: () => undefined };
const event = (i: number) => ({ resourceType: 'AuditEvent', recorded: '2026-12-04T08:00:00Z', action: 'R', n: i });

describe('Auditor', () => {
  it('writes events in batches of at most 500, in order, and drain waits for all of them', async () => {
    const s = slowStorage();
    const auditor = new Auditor(s.storage, indexer, () => Date.parse('2026-12-04T08:00:00Z'), log);
    for (let i = 0; i < 1200; i++) auditor.record([event(i)]);
    const drained = auditor.drain();
    await s.release();
    await s.release();
    await s.release();
    await drained;
    assert.equal(s.stored.length, 1200);
    assert.deepEqual(s.stored.map((w) => JSON.parse(w.json).n), Array.from({ length: 1200 }, (_, i) => i));
    assert.ok(s.stored.every((w) => w.type === 'AuditEvent' && w.version === 1 && JSON.parse(w.json).id === w.id));
  });

  it('beyond 20,000 waiting events, whenCaughtUp holds requests until the backlog is under 10,000', async () => {
    const s = slowStorage();
    const auditor = new Auditor(s.storage, indexer, () => Date.parse('2026-12-04T08:00:00Z'), log);
    for (let i = 0; i < 20_000; i++) auditor.record([event(i)]);
    assert.equal(auditor.whenCaughtUp(), undefined, 'at the bound: no wait');
    auditor.record([event(20_000)]);
    const waiting = auditor.whenCaughtUp();
    assert.ok(waiting);
    let released = false;
    void waiting.then(() => (released = true));
    // Each release stores one batch of 500: 20 batches bring 20,001 waiting events under 10,000.
    for (let b = 0; b < 20; b++) {
      await s.release();
      assert.equal(released, false, `still waiting after ${b + 1} batches`);
    }
    await s.release();
    assert.equal(released, true);
    while (s.stored.length < 20_001) await s.release();
    await auditor.drain();
    assert.equal(s.stored.length, 20_001, 'nothing dropped');
  });
});
