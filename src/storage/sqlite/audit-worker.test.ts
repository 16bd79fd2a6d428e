/** The audit writer thread: writes batches on its own connection; a dead thread is reported, never hangs. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { versionWrite } from '../../engine/storage-contract.js';
import { AuditWorker, AuditWorkerError } from './audit-worker.js';
import { SqliteStorage } from './sqlite-storage.js';

const event = (id: string) =>
  versionWrite({ resourceType: 'AuditEvent', id, recorded: '2026-12-04T08:00:00Z', type: { code: 'rest' }, agent: [{ requestor: true }], source: { observer: { display: 'x' } } }, 1, Date.parse('2026-12-04T08:00:00Z'));

describe('AuditWorker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-aw-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes batches through its own connection, visible to the storage, and exits on close', async () => {
    const file = join(dir, 'a.sqlite');
    const storage = SqliteStorage.open({ file, auditWorker: false });
    const worker = new AuditWorker({ file, cacheMiB: 2 });
    await worker.append([event('w1'), event('w2')]);
    await worker.append([event('w3')]);
    assert.deepEqual((await storage.auditChain(0, 10)).map((l) => l.eventId), ['w1', 'w2', 'w3']);
    assert.equal((await storage.readCurrent('AuditEvent', 'w2'))?.version, 1);
    // An open date range (±Infinity) survives the trip to the thread (JSON would make it null).
    const open = event('w4');
    open.index = [...open.index, { kind: 'date', param: 'date', start: 0, end: Infinity }];
    await worker.append([open]);
    assert.equal((await storage.readCurrent('AuditEvent', 'w4'))?.version, 1);
    await assert.rejects(worker.append([event('w1')]), AuditWorkerError, 'a failing batch is rejected');
    assert.equal(worker.failed, false, 'a failing batch does not kill the thread');
    await worker.close();
    await storage.close();
  });

  it('a thread that cannot open its database fails its batches and reports failed', async () => {
    const worker = new AuditWorker({ file: join(dir, 'missing', 'nope.sqlite'), cacheMiB: 2 });
    await assert.rejects(worker.append([event('x1')]), AuditWorkerError);
    assert.equal(worker.failed, true);
    await assert.rejects(worker.append([event('x2')]), AuditWorkerError);
  });

  it('the storage writes AuditEvents in the worker by default and closes it with itself', async () => {
    const storage = SqliteStorage.open({ file: join(dir, 'b.sqlite') });
    await Promise.all([storage.appendAuditEvents([event('s1')]), storage.appendAuditEvents([event('s2'), event('s3')])]);
    assert.deepEqual((await storage.auditChain(0, 10)).map((l) => l.eventId), ['s1', 's2', 's3']);
    await storage.close();
  });
});
