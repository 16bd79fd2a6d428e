/**
 * The main-thread side of the SQLite audit writer: AuditEvent batches go to a worker thread
 * with its own connection (`audit-worker-thread.ts`), so that their SQL — most of the cost of
 * auditing a read — runs on another core. Started on first use.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { VersionWrite } from '../../engine/storage-port.js';
import type { AuditWorkerData, AuditWorkerReply, AuditWorkerRequest } from './audit-worker-thread.js';

/** JSON keeps every number of these entries (it would turn open bounds, ±Infinity, into null). */
function jsonSafe(index: VersionWrite['index']): boolean {
  for (const e of index) {
    if (e.kind === 'date' && !(Number.isFinite(e.start) && Number.isFinite(e.end))) return false;
    if ((e.kind === 'number' || e.kind === 'quantity') && !(Number.isFinite(e.low) && Number.isFinite(e.high))) return false;
  }
  return true;
}

export class AuditWorkerError extends Error {
  override name = 'AuditWorkerError';
}

export class AuditWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private closing = false;

  constructor(private readonly data: AuditWorkerData) {}

  /** True once the worker has died: the caller writes in process instead. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Writes one batch in the worker; resolves once committed there. */
  append(events: VersionWrite[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Strings clone with a copy; many small objects (index entries) clone several times slower.
      const slim = events.map((e) => ({ id: e.id, lastUpdated: e.lastUpdated, json: e.json, patientId: e.patientId, index: jsonSafe(e.index) ? JSON.stringify(e.index) : e.index }));
      worker.postMessage({ id, events: slim } satisfies AuditWorkerRequest);
    });
  }

  private start(): Worker {
    const worker = new Worker(new URL('./audit-worker-thread.js', import.meta.url), { workerData: this.data });
    worker.on('message', (m: AuditWorkerReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error === undefined) p?.resolve();
      else p?.reject(new AuditWorkerError(m.error));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (!this.closing || this.pending.size > 0) this.fail(new AuditWorkerError(`the audit writer thread exited (code ${code})`));
    });
    return worker;
  }

  private fail(e: Error): void {
    this.failure ??= e instanceof AuditWorkerError ? e : new AuditWorkerError(e.message);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** Closes the worker's connection and waits for the thread to end (call once appends are done). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.failure) return;
    this.closing = true;
    const exited = once(worker, 'exit');
    worker.postMessage({ close: true } satisfies AuditWorkerRequest);
    await exited;
  }
}
