/**
 * Entry point of the SQLite audit writer thread (`AuditWorker`): its own connection to the
 * database file, writing the AuditEvents and chain links it is sent, one batch per transaction,
 * without waiting for stable storage. The main thread lends it the write lock (GroupCommit
 * `exclusive`), so it never contends with the main write connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { appendChained } from '../../engine/audit/audit-chain.js';
import type { VersionWrite } from '../../engine/storage-port.js';
import { configureWriter } from './connection-settings.js';
import { ParamIds } from './index-writer.js';
import { SqliteTx } from './sqlite-tx.js';

export interface AuditWorkerData {
  file: string;
  cacheMiB: number;
}

/** An AuditEvent as sent to the thread: its index entries as JSON text (cheaper to pass) unless JSON would alter them. */
export interface SlimAuditEvent {
  id: string;
  lastUpdated: number;
  json: string;
  patientId: string | null;
  index: string | VersionWrite['index'];
}

export type AuditWorkerRequest = { id: number; events: SlimAuditEvent[] } | { close: true };

const toWrite = (e: SlimAuditEvent): VersionWrite => ({
  type: 'AuditEvent',
  id: e.id,
  version: 1,
  lastUpdated: e.lastUpdated,
  method: 'POST',
  json: e.json,
  index: typeof e.index === 'string' ? (JSON.parse(e.index) as VersionWrite['index']) : e.index,
  links: [],
  patientId: e.patientId,
  labelMask: 0,
  memberships: [],
});
export type AuditWorkerReply = { id: number; error?: string };

function serve(port: NonNullable<typeof parentPort>, data: AuditWorkerData): void {
  const db = new Database(data.file);
  configureWriter(db, { synchronous: 'NORMAL', cacheMiB: data.cacheMiB });
  const tx = new SqliteTx(db, new ParamIds(db));
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  let queue = Promise.resolve();
  port.on('message', (m: AuditWorkerRequest) => {
    queue = queue.then(async () => {
      if ('close' in m) {
        db.close();
        port.close();
        return;
      }
      try {
        begin.run();
        await appendChained(tx, m.events.map(toWrite));
        commit.run();
        port.postMessage({ id: m.id } satisfies AuditWorkerReply);
      } catch (e) {
        if (db.inTransaction) rollback.run();
        port.postMessage({ id: m.id, error: (e as Error).message } satisfies AuditWorkerReply);
      }
    });
  });
}

if (parentPort) serve(parentPort, workerData as AuditWorkerData);
